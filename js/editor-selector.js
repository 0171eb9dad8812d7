// The point-and-click editor's selector proposal (issue 14's first part): for an
// element the site owner picked, the CSS selectors that find it again on the next
// load of the page, most robust first. A selector is only as good as what it is
// made of, so in this order: an id the page wrote by hand; a stable `data-*`
// attribute (test ids, analytics hooks) or a form field's name; then the shortest
// structural path from the nearest such anchor (tags, hand-written classes,
// `:nth-of-type` where needed). Generated names never count: CSS-in-JS class hashes
// (`css-1x2y3z`, styled-components' `sc-…`/`kGhXcv`, CSS modules' `Button__3xYz1`),
// React's `:r1:` ids, long digit runs. Each proposal says how many elements it
// matches, so the editor can show it and widen or narrow it.

const STABLE_ATTRIBUTES = ['data-testid', 'data-test', 'data-test-id', 'data-cy', 'data-qa', 'data-vitrine', 'data-id', 'data-sku', 'data-product', 'data-section', 'data-component', 'name', 'aria-label'];

/** A class, id or attribute value a build tool or a framework made up. */
export function isGenerated(name) {
  if (typeof name !== 'string' || name === '') return true;
  return (
    /^(css|sc|jsx|emotion|jss|tw|chakra|mui|svelte|astro|vue)-[A-Za-z0-9_-]*\d[A-Za-z0-9_-]*$/i.test(name) || // css-1x2y3z, jsx-4011, svelte-xyz1
    /^(css|jsx|emotion|svelte|astro)-[a-z0-9]{5,}$/.test(name) || // a hash that happens to hold no digit: css-fdaeaa
    /^sc-[A-Za-z]{4,}$/.test(name) || // styled-components' component ids
    /__[A-Za-z0-9_-]{5,}$/.test(name) || // CSS modules: Button_primary__3xYz1
    /^:r[0-9a-z]*:$/.test(name) || // React's useId
    /\d{4,}/.test(name) || // long digit runs: ids from a database or a counter
    // short mixed-case hashes (styled-components' class names: kGhXcv, bBfHrY)
    (/^[A-Za-z]{5,8}$/.test(name) && /[a-z][A-Z]/.test(name) && /[A-Z].*[A-Z]/.test(name)) ||
    // hash-like: letters and digits mixed, no vowel-word look (a1b2c3, x7Gk9q)
    (/^[A-Za-z0-9_-]{5,}$/.test(name) && /\d/.test(name) && /[A-Za-z]/.test(name) && (name.match(/\d/g).length >= 2 || /^[a-z]{1,3}\d/i.test(name)))
  );
}

const escape = (value) => (typeof CSS !== 'undefined' && CSS.escape ? CSS.escape(value) : String(value).replace(/[^A-Za-z0-9_-]/g, (c) => `\\${c}`));
const attr = (name, value) => `[${name}="${String(value).replace(/["\\]/g, '\\$&')}"]`;

function count(root, selector) {
  try {
    return root.querySelectorAll(selector).length;
  } catch {
    return 0;
  }
}

/** What names an element on its own: its id, a stable attribute, with its tag. */
function ownNames(el) {
  const tag = el.localName;
  const names = [];
  if (el.id && !isGenerated(el.id)) names.push(`#${escape(el.id)}`);
  for (const name of STABLE_ATTRIBUTES) {
    const value = el.getAttribute(name);
    if (value && !isGenerated(value) && value.length <= 80) names.push(`${tag}${attr(name, value)}`);
  }
  for (const { name, value } of Array.from(el.attributes)) {
    if (name.startsWith('data-') && !STABLE_ATTRIBUTES.includes(name) && !name.startsWith('data-vitrine-') && value && value.length <= 80 && !isGenerated(value) && !isGenerated(name.slice(5))) {
      names.push(`${tag}${attr(name, value)}`);
    }
  }
  return names;
}

/** One step of a structural path: the tag, hand-written classes, the position if needed. */
function step(el) {
  const tag = el.localName;
  const classes = Array.from(el.classList).filter((c) => !isGenerated(c)).slice(0, 2).map((c) => `.${escape(c)}`).join('');
  const parent = el.parentElement;
  const base = `${tag}${classes}`;
  if (!parent) return base;
  const same = Array.from(parent.children).filter((c) => c.localName === tag);
  if (same.length === 1) return base;
  // The position among siblings of its tag: stable when the page's structure is.
  return `${tag}${classes}:nth-of-type(${same.indexOf(el) + 1})`;
}

/**
 * Proposals for `el`, most robust first: `[{selector, matches, how}]`, where `how`
 * is "id", "attribute" or "path". The first one that matches only `el` is the
 * proposal; the others let the editor widen or narrow.
 */
export function proposeSelectors(el, root = el.ownerDocument) {
  const found = [];
  const add = (selector, how) => {
    if (found.some((f) => f.selector === selector)) return;
    const matches = count(root, selector);
    if (matches > 0) found.push({ selector, matches, how, unique: matches === 1 && root.querySelector(selector) === el });
  };
  for (const name of ownNames(el)) add(name, name.startsWith('#') ? 'id' : 'attribute');
  // A path from the nearest ancestor with a name of its own (or the document),
  // as short as it can be while it still finds only this element.
  const steps = [];
  let anchor = null;
  for (let node = el; node && node.nodeType === 1 && node !== root.documentElement; node = node.parentElement) {
    if (node !== el) {
      const names = ownNames(node).filter((n) => count(root, n) === 1);
      if (names.length) {
        anchor = names[0];
        break;
      }
    }
    steps.unshift(step(node));
  }
  const prefix = anchor ? `${anchor} ` : '';
  for (let from = steps.length - 1; from >= 0; from--) {
    const selector = prefix + steps.slice(from).join(' > ');
    const matches = count(root, selector);
    if (matches === 1 && root.querySelector(selector) === el) {
      add(selector, 'path');
      break;
    }
  }
  add(prefix + steps.join(' > '), 'path');
  // Wider: the same path without positions (every card's title, not the second's).
  for (const f of [...found]) {
    if (f.how === 'path' && f.selector.includes(':nth-of-type(')) add(f.selector.replace(/:nth-of-type\(\d+\)/g, ''), 'path');
  }
  found.sort((a, b) => Number(b.unique) - Number(a.unique));
  return found;
}

/** The proposal: the most robust selector that finds only `el`. */
export function proposeSelector(el, root = el.ownerDocument) {
  return proposeSelectors(el, root).find((p) => p.unique) ?? null;
}
