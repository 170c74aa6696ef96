import { describe, expect, it } from 'vitest';
import { boundLogTail, secretMask, tailLimits } from './log-tail.js';

// Values like those ensureAdminSecret generates (base64url), plus one with characters that get escaped.
const password = 'q3Zx-9_kLmN0pQrStUvWxYz1234567';
const dbPassword = 'Zm9vYmFy_ZGJwYXNzd29yZA-12345';
const quoted = 'pa"ss\\word&x=1';
const mask = secretMask(['admin', 'admin@demo1.store.invalid', password, dbPassword, quoted, '']);

describe('secretMask', () => {
  it.each([
    ['a password in a log line', `connecting with password ${password} to db`, 'connecting with password *** to db'],
    ['a password twice, and another one', `${password}:${dbPassword}:${password}`, '***:***:***'],
    ['the longer value first, so no part of it survives', 'mail admin@demo1.store.invalid now', 'mail *** now'],
    ['the user name, even inside a word (the price of masking by value)', 'GET /wp-admin/ 302', 'GET /wp-***/ 302'],
    ['a value as JSON prints it', `{"password":${JSON.stringify(quoted)}}`, '{"password":"***"}'],
    ['a value as a URL carries it', `POST /login?pwd=${encodeURIComponent(quoted)}`, 'POST /login?pwd=***'],
    [
      'a text without any value',
      'PHP Fatal error: Allowed memory size exhausted',
      'PHP Fatal error: Allowed memory size exhausted',
    ],
  ])('when the text holds %s, then it is masked', (_name, text, expected) => {
    expect(mask(text)).toBe(expected);
  });

  it('when a mask has no values, then it changes nothing', () => {
    expect(secretMask([''])('anything')).toBe('anything');
  });
});

describe('boundLogTail', () => {
  it.each<[string, string, { cut?: boolean }, string | undefined]>([
    ['a short log', 'line one\nline two\n', {}, 'line one | line two'],
    ['an empty log', '\n\n', {}, undefined],
    ['colours and tabs', '\u001b[31mred\u001b[0m\tdone\r\n', {}, 'red done'],
    ['a secret on the last line', `started\nlogin ${password}\n`, {}, 'started | login ***'],
    // The API's byte limit cut the last line: a secret cut in half would escape the mask, so it goes.
    ['a cut last line', `whole line\nlogin ${password.slice(0, 10)}`, { cut: true }, 'whole line'],
  ])('when the log is %s, then the tail is as expected', (_name, text, options, expected) => {
    expect(boundLogTail(text, mask, options)).toBe(expected);
  });

  it('when the log is long, then only the last lines are kept, within the byte limit, and long lines are cut', () => {
    const many = Array.from({ length: 50 }, (_, i) => `line ${i}`).join('\n');
    expect(boundLogTail(many, mask)?.split(' | ')).toEqual(
      Array.from({ length: tailLimits.lines }, (_, i) => `line ${40 + i}`),
    );

    const wide = Array.from({ length: 10 }, () => 'x'.repeat(1000)).join('\n');
    const tail = boundLogTail(wide, mask) ?? '';
    expect(Buffer.byteLength(tail)).toBeLessThanOrEqual(tailLimits.bytes);
    expect(tail.split(' | ').every((line) => line.length === tailLimits.lineChars && line.endsWith('…'))).toBe(true);
  });

  it('when a long line holds a secret past the cut, then no part of it survives', () => {
    const line = `${'a'.repeat(tailLimits.lineChars - 10)}${password}`;
    expect(boundLogTail(line, mask)).not.toMatch(new RegExp(password.slice(0, 8)));
  });
});
