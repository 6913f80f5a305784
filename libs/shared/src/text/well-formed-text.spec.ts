import { hasLoneSurrogate, truncateText } from './well-formed-text';

const EMOJI = '\u{1F600}'; // two UTF-16 units

describe('hasLoneSurrogate', () => {
  it.each([
    ['a high half alone', '\ud800'],
    ['a low half alone', '\udc00'],
    ['a high half before a letter', 'a\ud83db'],
    ['a low half before its high half', '\ude00\ud83d'],
    ['the first half of a cut emoji', EMOJI.slice(0, 1)],
  ])('finds %s', (_what, text) => {
    expect(hasLoneSurrogate(text)).toBe(true);
  });

  it.each([
    ['plain text', 'Zoë Ångström'],
    ['an emoji', `x${EMOJI}y`],
    ['U+FFFD itself', '\ufffd'],
    ['an empty string', ''],
  ])('accepts %s', (_what, text) => {
    expect(hasLoneSurrogate(text)).toBe(false);
  });
});

describe('truncateText', () => {
  it('leaves text within the bound unchanged', () => {
    expect(truncateText(`ab${EMOJI}`, 4)).toBe(`ab${EMOJI}`);
  });

  it('cuts text over the bound to exactly the bound between whole characters', () => {
    expect(truncateText('abcdef', 4)).toBe('abcd');
    expect(truncateText(`ab${EMOJI}cd`, 4)).toBe(`ab${EMOJI}`);
  });

  it('drops an emoji whose second half falls beyond the bound, leaving no lone half', () => {
    const cut = truncateText(`${'a'.repeat(127)}${EMOJI}b`, 128);

    expect(cut).toBe('a'.repeat(127));
    expect(hasLoneSurrogate(cut)).toBe(false);
  });
});
