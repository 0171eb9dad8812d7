// The page's one applier (js/applier.js, as the package ships it: pkg/applier.js)
// against the real DOM in Chromium: every operation stacked on shared elements and
// reverted exactly (outerHTML compared), one reverted in the middle of the stack,
// the original nodes themselves put back, a refused selector, a reorder's order,
// healing (re-rendered and late targets, the loop guard) and a revert after the
// page changed a target. The runtime's use of it is tests/e2e/swaps.test.mjs.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, page as htmlPage, startServer } from './helpers.mjs';

const body = `<main id="root">
  <h1 id="title" class="a  b" title="t">Hello <em>world</em></h1>
  <p id="para" style="color: red">para</p>
  <a id="link" href="/a" data-x="1" data-y="2">link</a>
  <div id="hidden" hidden style="display: none">secret</div>
  <ul id="list"><li data-k="cafes">c1</li> <li data-k="chas">t1</li> <li data-k="outros">o1</li> <li data-k="chas">t2</li> <li data-k="cafes">c2</li></ul>
  <section id="box"><span id="anchor">anchor</span></section>
  <p id="gone">to remove</p>
</main>`;

let browser;
let server;
let pg;

before(async () => {
  server = await startServer({
    routes: {
      '/applier.html': htmlPage(`<!doctype html><html><head><link rel="icon" href="data:,"></head><body>${body}
<script type="module">
import { createApplier } from '/pkg/applier.js';
window.createApplier = createApplier;
window.fragment = (html) => document.createRange().createContextualFragment(html);
window.ready = true;
</script></body></html>`),
    },
  });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function fresh() {
  pg = await browser.newPage();
  const errors = [];
  pg.on('pageerror', (e) => errors.push(e.message));
  await pg.goto(`${server.origin}/applier.html`);
  await pg.waitForFunction(() => window.ready);
  return errors;
}

test('every operation stacked on shared elements reverts to the exact original, also from the middle', async () => {
  const errors = await fresh();
  const result = await pg.evaluate(() => {
    const root = document.getElementById('root');
    const before = root.outerHTML;
    const a = window.createApplier();
    const ops = [
      { op: 'setText', selector: '#title', text: 'Olá' },
      { op: 'setHtml', selector: '#title', html: window.fragment('<strong>Oi</strong> <i>você</i>') },
      { op: 'addClass', selector: '#title', class: 'hot' },
      { op: 'addClass', selector: '#title', class: 'a' },
      { op: 'removeClass', selector: '#title', class: 'b' },
      { op: 'setAttr', selector: '#link', name: 'href', value: '/b' },
      { op: 'setAttr', selector: '#link', name: 'data-new', value: '1' },
      { op: 'removeAttr', selector: '#link', name: 'data-x' },
      { op: 'setStyle', selector: '#para', style: [['font-weight', '700'], ['color', '#0a0']] },
      { op: 'hide', selector: '#para' },
      { op: 'show', selector: '#hidden', display: 'block' },
      { op: 'insert', selector: '#anchor', position: 'before', html: window.fragment('<i>before</i>') },
      { op: 'insert', selector: '#anchor', position: 'after', html: window.fragment('<i>after</i>') },
      { op: 'insert', selector: '#box', position: 'prepend', html: window.fragment('<i>first</i>') },
      { op: 'insert', selector: '#box', position: 'append', html: window.fragment('<i>last</i>') },
      { op: 'move', selector: '#gone', position: 'prepend', to: '#root' },
      { op: 'reorder', selector: '#list', key: 'data-k', scores: { chas: 2.5, cafes: 1, outros: 'x' } },
      { op: 'remove', selector: '#list li', first: true },
      { op: 'recommend', selector: '#para', html: null },
    ];
    const counts = ops.map((op, i) => a.apply(i, op));
    const title = document.getElementById('title');
    const applied = {
      title: title.innerHTML,
      cls: title.getAttribute('class'),
      link: document.getElementById('link').outerHTML,
      para: document.getElementById('para').getAttribute('style'),
      hidden: document.getElementById('hidden').outerHTML,
      box: document.getElementById('box').innerHTML,
      first: root.firstElementChild.id,
      list: [...document.querySelectorAll('#list li')].map((li) => li.textContent).join(' '),
    };
    // One in the middle: the ones above stay applied.
    a.revert(0);
    const afterMiddle = title.innerHTML;
    const idsAfterMiddle = [...new Set(a.changed().filter((_, i) => i % 2 === 0))];
    a.revert(1);
    const afterSecond = title.innerHTML;
    a.revertAll();
    return { counts, applied, afterMiddle, idsAfterMiddle, afterSecond, exact: root.outerHTML === before, changed: a.changed().length };
  });
  assert.deepEqual(result.counts, [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
  assert.equal(result.applied.title, '<strong>Oi</strong> <i>você</i>');
  assert.equal(result.applied.cls, 'a hot');
  assert.equal(result.applied.link, '<a id="link" href="/b" data-y="2" data-new="1">link</a>');
  assert.match(result.applied.para, /display: none !important/);
  assert.match(result.applied.para, /font-weight: 700 !important/);
  assert.equal(result.applied.hidden, '<div id="hidden" style="display: block !important;">secret</div>');
  assert.equal(result.applied.box, '<i>first</i><i>before</i><span id="anchor">anchor</span><i>after</i><i>last</i>');
  assert.equal(result.applied.first, 'gone');
  // Highest score first, ties in page order, a score that is not a number is 0;
  // then the first <li> (t1 after the reorder) removed.
  assert.equal(result.applied.list, 't2 c1 c2 o1');
  assert.equal(result.afterMiddle, '<strong>Oi</strong> <i>você</i>');
  // Unwound: op 0 is gone, every op above it is applied again (3 and 18 changed nothing).
  assert.deepEqual(result.idsAfterMiddle, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]);
  assert.equal(result.afterSecond, 'Hello <em>world</em>');
  assert.ok(result.exact, 'the page is exactly the original');
  assert.equal(result.changed, 0);
  assert.deepEqual(errors, []);
});

test('reverting puts back the original nodes themselves, and a refused selector changes nothing', async () => {
  await fresh();
  const result = await pg.evaluate(() => {
    const em = document.querySelector('#title em');
    em.mark = 'same node';
    const a = window.createApplier();
    const count = a.apply(7, { op: 'setText', selector: '#title', text: 'x' });
    const detached = !em.isConnected;
    const refused = a.apply(8, { op: 'hide', selector: 'div[' });
    const changed = a.changed();
    a.revertAll();
    return { count, detached, refused, back: document.querySelector('#title em') === em && em.mark, changed: [changed[0], changed[1]?.id] };
  });
  assert.equal(result.count, 1);
  assert.ok(result.detached);
  assert.equal(result.refused, -1);
  assert.equal(result.back, 'same node');
  assert.deepEqual(result.changed, [7, 'title']);
});

test('heal: re-rendered targets get the operation again, late ones only with new targets, the page that fights is paused', async () => {
  await fresh();
  const result = await pg.evaluate(() => {
    const a = window.createApplier();
    a.apply(1, { op: 'setText', selector: '.late', text: 'changed' });
    a.apply(2, { op: 'addClass', selector: '#title', class: 'ours' });
    const title = document.getElementById('title');
    // The page re-renders the target: its new class text is the original now.
    title.setAttribute('class', 'page');
    a.heal(false);
    const healed = title.getAttribute('class');
    const late = document.createElement('p');
    late.className = 'late';
    late.textContent = 'late';
    document.body.append(late);
    a.heal(false);
    const notYet = late.textContent;
    a.heal(true);
    const now = late.textContent;
    // A page that undoes us forever.
    let warning;
    for (let i = 0; i < 250 && !warning; i++) {
      title.setAttribute('class', `page${i}`);
      warning = a.heal(false);
    }
    // Paused for the rest of the second: the page's next content stays.
    title.setAttribute('class', 'page-last');
    const again = a.heal(false);
    const paused = title.getAttribute('class');
    a.revertAll();
    return { healed, notYet, now, warning, again, paused, lateAfter: late.textContent, titleAfter: title.getAttribute('class') };
  });
  assert.equal(result.healed, 'page ours');
  assert.equal(result.notYet, 'late');
  assert.equal(result.now, 'changed');
  assert.match(result.warning, /keeps re-rendering/);
  assert.equal(result.again, undefined, 'warned once');
  assert.equal(result.paused, 'page-last', 'paused: the page keeps its content');
  assert.equal(result.lateAfter, 'late');
  // The page changed the target after the last heal: a revert leaves the page's content.
  assert.equal(result.titleAfter, result.paused);
});

test('a list the page changed under a reorder goes back to the page order, with what the page added', async () => {
  await fresh();
  const result = await pg.evaluate(() => {
    const a = window.createApplier();
    a.apply(1, { op: 'reorder', selector: '#list', key: 'data-k', scores: { outros: 9 } });
    const list = document.getElementById('list');
    const reordered = [...list.children].map((li) => li.textContent).join(' ');
    const added = document.createElement('li');
    added.textContent = 'new';
    list.prepend(added);
    a.revertAll();
    return { reordered, back: [...list.children].map((li) => li.textContent).join(' ') };
  });
  assert.equal(result.reordered, 'o1 c1 t1 t2 c2');
  assert.equal(result.back, 'new c1 t1 o1 t2 c2');
});

test('replace keeps an operation in its place in the stack; several targets get their own copy; match first; an unknown id', async () => {
  const errors = await fresh();
  const result = await pg.evaluate(() => {
    const root = document.getElementById('root');
    const before = root.outerHTML;
    const a = window.createApplier();
    const title = document.getElementById('title');
    a.apply(1, { op: 'setText', selector: '#title', text: 'A' });
    a.apply(2, { op: 'setText', selector: '#title', text: 'B' });
    a.replace(1, { op: 'setText', selector: '#title', text: 'A2' });
    const onTop = title.textContent;
    a.revert(2);
    const replaced = title.textContent;
    a.revert(99); // not applied: nothing happens
    a.apply(3, { op: 'setHtml', selector: '#list li', html: window.fragment('<b>x</b>') });
    const bolds = [...document.querySelectorAll('#list li b')];
    a.apply(4, { op: 'insert', selector: '#list li', position: 'append', html: window.fragment('<i>y</i>') });
    const italics = document.querySelectorAll('#list li i').length;
    a.revert(3); // unwinds the insert above it, which comes back
    const kept = document.querySelectorAll('#list li i').length;
    const bold = document.querySelectorAll('#list li b').length;
    a.revert(4);
    a.apply(5, { op: 'addClass', selector: '.late', class: 'first', first: true });
    for (let i = 0; i < 2; i++) {
      const p = document.createElement('p');
      p.className = 'late';
      document.body.append(p);
    }
    a.heal(true);
    const firsts = [...document.querySelectorAll('.late')].map((p) => p.classList.contains('first'));
    a.revertAll();
    for (const p of document.querySelectorAll('.late')) p.remove();
    return { onTop, replaced, bolds: bolds.length, distinct: new Set(bolds).size, italics, firsts, kept, bold, now: root.outerHTML, before };
  });
  assert.equal(result.onTop, 'B', 'what was applied after it stays on top');
  assert.equal(result.replaced, 'A2');
  assert.equal(result.bolds, 5);
  assert.equal(result.distinct, 5, 'each target its own nodes');
  assert.equal(result.italics, 5);
  assert.equal(result.kept, 5);
  assert.equal(result.bold, 0);
  assert.deepEqual(result.firsts, [true, false]);
  assert.equal(result.now, result.before);
  assert.deepEqual(errors, []);
});

test('operations stacked on one element through different selectors: heal leaves them as they are, and revert gives the original back', async () => {
  const errors = await fresh();
  const result = await pg.evaluate(() => {
    const root = document.getElementById('root');
    const before = root.outerHTML;
    const title = document.getElementById('title');
    const para = document.getElementById('para');
    const stack = (a) => {
      a.apply(1, { op: 'setText', selector: '#title', text: 'A' });
      a.apply(2, { op: 'setText', selector: 'h1#title', text: 'B' });
      a.apply(3, { op: 'insert', selector: '#title', position: 'append', html: window.fragment('<i>i</i>') });
      a.apply(4, { op: 'setStyle', selector: '#para', style: [['color', '#0a0']] });
      a.apply(5, { op: 'setStyle', selector: 'p#para', style: [['font-weight', '700']] });
    };
    // A page that changes something else heals again and again.
    let a = window.createApplier();
    stack(a);
    const applied = [title.innerHTML, para.getAttribute('style')];
    const warnings = [];
    for (let i = 0; i < 250; i++) warnings.push(a.heal(false));
    const afterHeals = [title.innerHTML, para.getAttribute('style')];
    a.revertAll();
    const exact = root.outerHTML === before;
    // The page re-renders the element under the stack: the top text is written
    // again with the insert, and a revert leaves the page's latest content.
    a = window.createApplier();
    stack(a);
    title.textContent = 'page';
    a.heal(false);
    const healed = title.innerHTML;
    a.revertAll();
    return { applied, afterHeals, warned: warnings.filter(Boolean).length, exact, healed, reverted: title.innerHTML, style: para.getAttribute('style') };
  });
  assert.deepEqual(result.applied, ['B<i>i</i>', 'color: rgb(0, 170, 0) !important; font-weight: 700 !important;']);
  assert.deepEqual(result.afterHeals, result.applied, 'nothing took turns');
  assert.equal(result.warned, 0, 'no re-apply counted against the loop guard');
  assert.ok(result.exact, 'the exact original after the heals');
  assert.equal(result.healed, 'B<i>i</i>');
  assert.equal(result.reverted, 'page');
  assert.equal(result.style, 'color: red');
  assert.deepEqual(errors, []);
});
