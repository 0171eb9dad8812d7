// The page's one applier: plan operations on the DOM, each reverted exactly.
//
// The loader's first swap (js/first-swap.js, bundled into vitrine.js) and the
// runtime both apply with it: the runtime hands over the loader's copy
// (`start({ applier })`), so a page carries it once, and the wasm sends each
// operation already decided and rendered (template text filled in, markup
// sanitized into a DocumentFragment, a reorder's scores), so nothing here reads
// the visitor or decides anything.
//
// Each applied operation keeps, per target element, what it replaced: the
// original child nodes themselves (moved out, not copied, so listeners and
// identity survive), the previous attribute text and the order of the attributes
// after a removed one, the previous inline style, the place a moved or removed
// node came from, the nodes it inserted, a list's original order. Operations form
// a stack; reverting one in the middle first unwinds the ones above it and then
// applies them again, so several rules touching one element in turn still revert
// to the exact original. An undo is applied only to a target still as we left
// it: one the page changed since keeps the page's content.
//
// `heal` brings operations back after the page changed: new targets get them,
// re-rendered targets get them again (the page's new content becomes the
// original). A page that undoes us more than MAX_HEALS_PER_SECOND times a second
// is left alone for the rest of that second (fighting it would be a loop).
//
// Nothing here throws to its caller: the wasm calls it while holding its state.
// A DOM call the browser refuses (an attribute name, a node that cannot go
// there) leaves that target as it was and records no undo for it.

const MAX_HEALS_PER_SECOND = 200;

// The operations the wasm sends positionally (`applyOp`), in the order of
// src/browser/applier.rs's `payload`, with the names of their two values.
const KINDS = [
  ['setText', 'text'], ['setHtml', 'html'], ['setAttr', 'name', 'value'], ['removeAttr', 'name'],
  ['addClass', 'class'], ['removeClass', 'class'], ['setStyle', 'style'], ['hide'], ['show', 'display'],
  ['insert', 'position', 'html'], ['move', 'position', 'to'], ['reorder', 'key', 'scores'],
  ['recommend', 'html'], ['remove'], ['none'],
];

const childrenOf = (node) => [...node.childNodes];
const sameNodes = (a, b) => a.length === b.length && a.every((n, i) => n === b[i]);

function setAttr(el, name, value) {
  const previous = el.getAttribute(name);
  let following = [];
  if (value === null && previous !== null) {
    const names = el.getAttributeNames();
    following = names.slice(names.indexOf(name) + 1);
  }
  try {
    if (value === null) el.removeAttribute(name);
    else el.setAttribute(name, value);
  } catch { /* an attribute the browser refuses changes nothing */ }
  return { kind: 'attr', name, previous, ours: el.getAttribute(name), following };
}

/** Inline style through the CSSOM (allowed under a strict CSP), `!important`. */
function setStyle(el, properties) {
  if (!(el instanceof HTMLElement)) return null;
  const previous = el.getAttribute('style');
  for (const [property, value] of properties) el.style.setProperty(property, value, 'important');
  return { kind: 'style', previous, ours: el.getAttribute('style') };
}

function place(target, position, node) {
  switch (position) {
    case 'before': target.parentNode?.insertBefore(node, target); break;
    case 'after': target.parentNode?.insertBefore(node, target.nextSibling); break;
    case 'prepend': target.insertBefore(node, target.firstChild); break;
    default: target.appendChild(node);
  }
}

const appendAll = (el, nodes) => {
  for (const n of nodes) el.appendChild(n);
};

/** The target's children replaced by `content` (text or nodes); refused: left as it was. */
function replaceChildren(el, content) {
  const original = childrenOf(el);
  try {
    el.textContent = typeof content === 'string' ? content : '';
    if (typeof content !== 'string') el.appendChild(content);
  } catch {
    el.textContent = '';
    appendAll(el, original);
    return null;
  }
  return { kind: 'children', original, ours: childrenOf(el), text: el.textContent };
}

/** Highest score first, ties in page order (a score that is not a finite number is 0). */
function reorder(el, key, scores) {
  const original = childrenOf(el);
  const items = original.filter((n) => n.nodeType === 1);
  const score = (item) => {
    const k = item.getAttribute(key) ?? '';
    const v = scores && typeof scores === 'object' && !Array.isArray(scores) && Object.prototype.hasOwnProperty.call(scores, k) ? scores[k] : 0;
    return typeof v === 'number' && Number.isFinite(v) ? v : 0;
  };
  const values = items.map(score);
  const order = items.map((_, i) => i).sort((a, b) => values[b] - values[a] || a - b);
  if (order.every((j, i) => i === j)) return { kind: 'order', original, ours: original.slice() };
  // Elements move to the end in the new order; text between them stays.
  for (const i of order) el.appendChild(items[i]);
  return { kind: 'order', original, ours: childrenOf(el) };
}

function applyTo(el, a) {
  switch (a.op) {
    case 'setText':
      return replaceChildren(el, a.text);
    case 'setHtml':
    case 'recommend':
      // Nothing to recommend yet: the page keeps its own content.
      return a.html ? replaceChildren(el, a.html.cloneNode(true)) : null;
    case 'setAttr':
      return setAttr(el, a.name, a.value);
    case 'removeAttr':
      return el.hasAttribute(a.name) ? setAttr(el, a.name, null) : null;
    case 'addClass':
    case 'removeClass': {
      const add = a.op === 'addClass';
      if (el.classList.contains(a.class) === add) return null;
      // DOMTokenList re-serializes the attribute: the undo keeps its text.
      const previous = el.getAttribute('class');
      el.classList.toggle(a.class, add);
      return { kind: 'attr', name: 'class', previous, ours: el.getAttribute('class'), following: [] };
    }
    case 'setStyle':
      return setStyle(el, a.style);
    case 'hide':
      return setStyle(el, [['display', 'none']]);
    case 'show': {
      const hidden = setAttr(el, 'hidden', null);
      const style = setStyle(el, [['display', a.display]]);
      return style ? { kind: 'both', first: hidden, second: style } : hidden;
    }
    case 'insert': {
      const fragment = a.html.cloneNode(true);
      const nodes = childrenOf(fragment);
      place(el, a.position, fragment);
      // `into`: the element whose children they joined.
      return { kind: 'inserted', nodes, into: a.position === 'before' || a.position === 'after' ? el.parentNode : el };
    }
    case 'move': {
      let anchor = null;
      try {
        anchor = el.ownerDocument.querySelector(a.to);
      } catch { /* checked at start */ }
      const parent = el.parentNode;
      if (!anchor || !parent || anchor === el || el.contains(anchor)) return null;
      const next = el.nextSibling;
      place(anchor, a.position, el);
      return { kind: 'place', parent, next };
    }
    case 'reorder':
      return reorder(el, a.key, a.scores);
    case 'remove': {
      const parent = el.parentNode;
      if (!parent) return null;
      const next = el.nextSibling;
      parent.removeChild(el);
      return { kind: 'place', parent, next };
    }
    default:
      return null;
  }
}

const NONE = new Set();

/**
 * Whether what we applied to `el` is still there. `ours`: nodes other operations
 * inserted, which are not the page's (an `insert` into a target whose text we set).
 */
function intact(el, undo, ours = NONE) {
  const children = () => childrenOf(el).filter((n) => !ours.has(n));
  switch (undo.kind) {
    case 'children': return sameNodes(children(), undo.ours) && undo.ours.map((n) => n.textContent).join('') === undo.text;
    case 'attr': return el.getAttribute(undo.name) === undo.ours;
    case 'style': return el.getAttribute('style') === undo.ours;
    case 'both': return intact(el, undo.first) && intact(el, undo.second);
    case 'inserted': return undo.nodes.every((n) => n.isConnected);
    case 'order': return sameNodes(children(), undo.ours);
    default: return true;
  }
}

/**
 * What of an element an undo is about, for `heal`: an operation applied later
 * that changes the same thing of the same element covers this one (its undo
 * holds this one's result, so this one is as we left it while that one is).
 */
function aspects(el, undo) {
  switch (undo.kind) {
    case 'children': case 'order': return [[el, 'children']];
    case 'attr': return [[el, `attr:${undo.name}`]];
    case 'style': return [[el, 'style']];
    case 'both': return [...aspects(el, undo.first), ...aspects(el, undo.second)];
    // Its nodes went into `into`: new children there from a later operation cover it.
    case 'inserted': return undo.into ? [[undo.into, 'children', true]] : [];
    default: return [];
  }
}

/** Drops what an undo would restore (the page replaced it with its own content). */
function forget(undo) {
  if (undo.kind === 'inserted') for (const n of undo.nodes) n.parentNode?.removeChild(n);
}

/**
 * The order the page means for a list it changed under a reorder: its original
 * children still there, in their original order, with the children it added
 * since at the places they have now.
 */
function pageOrder(original, el) {
  const now = childrenOf(el);
  const kept = original.filter((n) => now.includes(n));
  let k = 0;
  return now.map((n) => (original.includes(n) ? kept[k++] ?? n : n));
}

function undoOne(el, undo) {
  switch (undo.kind) {
    case 'children':
      el.textContent = '';
      appendAll(el, undo.original);
      break;
    case 'attr':
      if (undo.previous === null) el.removeAttribute(undo.name);
      else el.setAttribute(undo.name, undo.previous);
      for (const after of undo.following) {
        const value = el.getAttribute(after);
        if (value !== null) {
          el.removeAttribute(after);
          el.setAttribute(after, value);
        }
      }
      break;
    case 'style':
      if (undo.previous === null) el.removeAttribute('style');
      else {
        // The attribute text comes back exactly; under a CSP that forbids style
        // attributes the CSSOM is allowed, so fall back to it.
        el.setAttribute('style', undo.previous);
        if (el.style.cssText === '' && undo.previous.trim() !== '') el.style.cssText = undo.previous;
      }
      break;
    case 'both':
      undoOne(el, undo.second);
      undoOne(el, undo.first);
      break;
    case 'inserted':
      forget(undo);
      break;
    case 'place':
      undo.parent.insertBefore(el, undo.next && undo.next.parentNode === undo.parent ? undo.next : null);
      break;
    case 'order':
      for (const child of undo.original) if (child.parentNode === el) el.appendChild(child);
      break;
    default:
  }
}

/** A target the page changed since (not healed yet) keeps the page's latest content. */
function undoEntry(entry) {
  for (const t of entry.targets.slice().reverse()) {
    try {
      if (intact(t.el, t.undo)) undoOne(t.el, t.undo);
      else if (t.undo.kind === 'order') undoOne(t.el, { kind: 'order', original: pageOrder(t.undo.original, t.el) });
      else forget(t.undo);
    } catch { /* a node the page moved out of reach: nothing to put back */ }
  }
}

function attempt(el, a) {
  try {
    return applyTo(el, a);
  } catch {
    return null;
  }
}

/**
 * An applier over `doc`. Operations are `{op, selector, first, ...}` with their
 * content ready (see the file's comment); `id` is the caller's key for one.
 */
export function createApplier(doc = globalThis.document) {
  const entries = [];
  // [start of the current second, heals in it]: the first heal starts one.
  let heals = [-Infinity, 0];

  function matches(a) {
    if (a.first) {
      const el = doc.querySelector(a.selector);
      return el ? [el] : [];
    }
    return [...doc.querySelectorAll(a.selector)];
  }

  function push(id, a) {
    let elements;
    try {
      elements = a.selector ? matches(a) : [];
    } catch {
      return -1;
    }
    const targets = [];
    for (const el of elements) {
      const undo = attempt(el, a);
      if (undo) targets.push({ el, undo });
    }
    entries.push({ id, a, targets });
    return targets.length;
  }

  return {
    /** Applies to the elements the selector matches now: how many; −1 for a selector the browser refuses. */
    apply: push,

    /** `apply` or `replace` from the wasm: the operation as its kind's index and two values. */
    applyOp(replacing, id, kind, selector, first, x, y) {
      const [op, xName, yName] = KINDS[kind] ?? KINDS[KINDS.length - 1];
      const a = { op, selector, first };
      if (xName) a[xName] = x;
      if (yName) a[yName] = y;
      return replacing ? this.replace(id, a) : push(id, a);
    },

    /** Reverts one operation, leaving the ones applied after it in place. */
    revert(id) {
      const index = entries.findIndex((e) => e.id === id);
      if (index < 0) return;
      const above = entries.splice(index + 1);
      for (const entry of above.slice().reverse()) undoEntry(entry);
      undoEntry(entries.pop());
      for (const entry of above) push(entry.id, entry.a);
    },

    /**
     * The operation with new content (a template or recommendations that changed)
     * in its place in the stack: the ones above are unwound and applied again, so
     * which of them wins on a shared element does not change.
     */
    replace(id, a) {
      const index = entries.findIndex((e) => e.id === id);
      if (index < 0) return push(id, a);
      const above = entries.splice(index);
      for (const entry of above.slice().reverse()) undoEntry(entry);
      const count = push(id, a);
      for (const entry of above.slice(1)) push(entry.id, entry.a);
      return count;
    },

    /** Reverts everything and applies it again, reaching elements parsed since. */
    refresh() {
      const all = entries.splice(0);
      for (const entry of all.slice().reverse()) undoEntry(entry);
      for (const entry of all) push(entry.id, entry.a);
    },

    /**
     * After the page changed: re-applies to re-rendered targets and, with
     * `newTargets`, applies to elements the selectors match now (a query per
     * operation). Returns a warning when the page keeps undoing us.
     */
    heal(newTargets) {
      const now = performance.now();
      if (now - heals[0] > 1000) heals = [now, 0];
      // Re-applying to re-rendered targets is what could loop; new targets are always served.
      const fighting = heals[1] >= MAX_HEALS_PER_SECOND;
      for (const entry of entries) entry.targets = entry.targets.filter((t) => t.el.isConnected || t.undo.kind === 'place');
      // Which targets the page rewrote, decided from the top of the stack down: a
      // target whose change a later operation covers is as we left it while that
      // one is (two rules' texts on one element must not take turns), and nodes
      // inserted by operations are not the page's content.
      const inserted = new Set();
      for (const entry of entries) for (const t of entry.targets) if (t.undo.kind === 'inserted') for (const n of t.undo.nodes) inserted.add(n);
      const covered = new Map();
      const rewritten = new Set();
      const coveredTargets = new Set();
      for (let k = entries.length - 1; k >= 0; k--) {
        for (const t of entries[k].targets) {
          const about = aspects(t.el, t.undo);
          const isCovered = about.length > 0 && about.every(([node, aspect]) => covered.get(node)?.has(aspect));
          if (isCovered) coveredTargets.add(t);
          else if (t.el.isConnected && !intact(t.el, t.undo, inserted)) rewritten.add(t);
          for (const [node, aspect, only] of about) {
            if (only) continue; // an insert's nodes cover nothing of their parent's
            if (!covered.has(node)) covered.set(node, new Set());
            covered.get(node).add(aspect);
          }
        }
      }
      // Set once a target is written (again or for the first time): only then can
      // one above it have been disturbed (an insert into a text set again), and
      // those are looked at again so nothing waits for another mutation.
      let rewrote = false;
      for (const entry of entries) {
        const { a } = entry;
        for (const t of entry.targets) {
          if (fighting || coveredTargets.has(t) || !t.el.isConnected) continue;
          if (!rewritten.has(t) && (!rewrote || intact(t.el, t.undo, inserted))) continue;
          // The page rewrote it: its content now is the original (for a
          // reordered list, the page's order).
          const order = t.undo.kind === 'order' ? pageOrder(t.undo.original, t.el) : null;
          try {
            forget(t.undo);
          } catch { /* already gone */ }
          const undo = attempt(t.el, a);
          rewrote = true;
          if (undo) {
            if (order && undo.kind === 'order') undo.original = order;
            t.undo = undo;
            heals[1] += 1;
          }
        }
        if (!newTargets || (a.first && entry.targets.length)) continue;
        let found = [];
        try {
          found = a.selector ? matches(a) : [];
        } catch { /* refused when applied: nothing to do */ }
        for (const el of found) {
          if (entry.targets.some((t) => t.el === el)) continue;
          const undo = attempt(el, a);
          if (undo) {
            entry.targets.push({ el, undo });
            rewrote = true;
          }
          if (a.first) break;
        }
      }
      return !fighting && heals[1] >= MAX_HEALS_PER_SECOND
        ? "the page keeps re-rendering vitrine's targets; re-applying paused for a second"
        : undefined;
    },

    revertAll() {
      while (entries.length) undoEntry(entries.pop());
    },

    /** The elements applied operations changed: `[id, element, id, element, …]` (the debug overlay's). */
    changed() {
      return entries.flatMap((e) => e.targets.flatMap((t) => [e.id, t.el]));
    },
  };
}
