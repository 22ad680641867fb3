import { codeString, shellQuote } from './snippets';

// The quoting rules on their own; buildExamples.test.ts (maas-backend) runs the quoted snippets in
// real bash, Python and Node with hostile values.
describe('quoting values for the Usage tab snippets', () => {
  it('M2: shellQuote makes one single-quoted word of anything, closing and escaping each quote', () => {
    expect(shellQuote('https://qwen3.maas.local')).toBe(
      "'https://qwen3.maas.local'",
    );
    expect(shellQuote("it's $(id)")).toBe(`'it'\\''s $(id)'`);
    expect(shellQuote('')).toBe("''");
  });

  it('M2: codeString escapes quotes, backslashes, newlines and line separators', () => {
    expect(codeString(`a"b\\c\nd'e\u2028`)).toBe(`"a\\"b\\\\c\\nd'e\\u2028"`);
  });
});
