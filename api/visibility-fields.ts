// The API reads visibility pages and histories raw (it keeps Temporal's page tokens, and the SDK decodes
// search attributes only for its own list() and describe()), so it decodes the store's fields itself,
// with the SDK's public payload converter, rather than through SDK internals.
import { defaultPayloadConverter, TypedSearchAttributes, type Payload } from '@temporalio/common';
import type proto from '@temporalio/proto';
import { storeSearchAttributeKeys } from '../core/search-attributes.js';

/** The store search attributes among `fields` (a Keyword arrives as a string, or a one-item list from older servers). */
export function storeAttributesOf(fields: Record<string, Payload> | null | undefined): TypedSearchAttributes {
  return new TypedSearchAttributes(
    storeSearchAttributeKeys.flatMap((key) => {
      const payload = fields?.[key.name];
      if (!payload) return [];
      const value = defaultPayloadConverter.fromPayload<string | string[]>(payload);
      const keyword = Array.isArray(value) ? value[0] : value;
      return typeof keyword === 'string' ? [{ key, value: keyword }] : [];
    }),
  );
}

/** A protobuf Timestamp as a Date; undefined when absent. */
export function timestampToDate(timestamp: proto.google.protobuf.ITimestamp | null | undefined): Date | undefined {
  if (timestamp?.seconds === undefined || timestamp.seconds === null) return undefined;
  // A Long as protobuf decodes it (a plain number where long.js is absent): both print their value.
  return new Date(Number(timestamp.seconds.toString()) * 1000 + Math.floor((timestamp.nanos ?? 0) / 1_000_000));
}
