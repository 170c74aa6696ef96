// The API's storeId rule (core/store-spec.ts), repeated here so the form can say what is wrong while
// the user types. The API stays the judge: whatever it refuses is shown as it says it.

export const storeIdPattern = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
export const minLength = 3;
export const maxLength = 40;

/** The problem with a store id, worded like the API's message, or '' when it is fine. */
export function storeIdProblem(value) {
  if (value.length === 0) return 'Enter a store id.';
  if (value.length < minLength) return `storeId must be at least ${minLength} characters`;
  if (value.length > maxLength) return `storeId must be at most ${maxLength} characters`;
  if (/[A-Z]/.test(value)) return 'storeId must be lowercase: use a-z, 0-9 and "-"';
  if (!storeIdPattern.test(value))
    return 'storeId must be lowercase letters, digits and "-", starting and ending with a letter or digit';
  return '';
}
