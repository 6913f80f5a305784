/** The element with this id, which the page must have: a missing one is a bug in index.html. */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) {
    throw new Error(`index.html has no #${id}`);
  }
  return element as T;
}

/** A new element with text content (never HTML: record fields are data, not markup). */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  text?: string,
  className?: string,
): HTMLElementTagNameMap[K] {
  const created = document.createElement(tag);
  if (text !== undefined) {
    created.textContent = text;
  }
  if (className) {
    created.className = className;
  }
  return created;
}

const SVG = 'http://www.w3.org/2000/svg';

/** A new SVG element with attributes (no inline style, which the page's CSP forbids). */
export function svgElement<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const created = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    created.setAttribute(name, String(value));
  }
  return created;
}

/** The value of a form's text input, trimmed; undefined when empty. */
export function fieldValue(
  form: HTMLFormElement,
  name: string,
): string | undefined {
  const input = form.elements.namedItem(name);
  const value = input instanceof HTMLInputElement ? input.value.trim() : '';
  return value === '' ? undefined : value;
}
