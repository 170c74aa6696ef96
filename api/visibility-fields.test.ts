import { defaultPayloadConverter } from '@temporalio/common';
import proto from '@temporalio/proto';
import { describe, expect, it } from 'vitest';
import { StoreOwner, StorePhase, storeSearchAttributes } from '../core/search-attributes.js';
import { storeAttributesOf, timestampToDate } from './visibility-fields.js';

const keyword = (value: unknown) => defaultPayloadConverter.toPayload(value);

describe('storeAttributesOf', () => {
  it('when a page carries store keywords and others, then it reads the store ones, also from a one-item list', () => {
    const attributes = storeAttributesOf({
      StorePhase: keyword('Ready'),
      StoreOwner: keyword(['team-a']),
      BuildIds: keyword(['x']),
    });
    expect(attributes.get(StorePhase)).toBe('Ready');
    expect(attributes.get(StoreOwner)).toBe('team-a');
    expect(
      attributes
        .getAll()
        .map((pair) => pair.key.name)
        .sort(),
    ).toEqual(['StoreOwner', 'StorePhase']);
  });

  it('when there are no fields, then it is empty', () => {
    expect(storeAttributesOf(undefined).getAll()).toEqual([]);
  });

  it('when the dev server registers them, then it registers each store key as a Keyword', () => {
    expect(storeSearchAttributes).toEqual({
      StoreId: 'Keyword',
      StoreEngine: 'Keyword',
      StorePlan: 'Keyword',
      StorePhase: 'Keyword',
      StoreOwner: 'Keyword',
    });
  });
});

describe('timestampToDate', () => {
  it('when seconds are a Long (as protobuf decodes them), then the date keeps the milliseconds', () => {
    const decoded = proto.google.protobuf.Timestamp.decode(
      proto.google.protobuf.Timestamp.encode(
        proto.google.protobuf.Timestamp.fromObject({ seconds: 1_800_000_000, nanos: 123_456_789 }),
      ).finish(),
    );
    expect(typeof decoded.seconds).toBe('object');
    expect(timestampToDate(decoded)?.toISOString()).toBe('2027-01-15T08:00:00.123Z');
  });

  it('when there is no timestamp, then undefined', () => {
    expect(timestampToDate(undefined)).toBeUndefined();
    expect(timestampToDate({})).toBeUndefined();
  });
});
