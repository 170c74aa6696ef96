import { describe, expect, it } from 'vitest';
import { busyboxImage, imageRef, pauseImage } from './local-images.js';

describe('local node images', () => {
  it('when an image is named, then its tag is a hash of its Containerfile and inputs, the same every time', () => {
    expect(imageRef(pauseImage)).toMatch(/^localhost\/storefleet\/pause:[0-9a-f]{12}$/);
    expect(imageRef(pauseImage)).toBe(imageRef(pauseImage));
  });

  it('when two images differ in their inputs, then their tags differ', () => {
    expect(imageRef(busyboxImage).split(':')[1]).not.toBe(imageRef(pauseImage).split(':')[1]);
  });
});
