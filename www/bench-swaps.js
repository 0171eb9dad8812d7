// Content-swap benchmark: (g) applying and reverting a 50-operation plan, against
// the same 50 changes made and undone by hand with DOM calls (the peer: the least
// any tool must do); (h) a page adding 1,000 nodes (10 per task) while vitrine's
// MutationObserver watches, against the same page after stop() (no observer).
import { start } from '/pkg/index.js';

const N = 50;
const fixture = document.getElementById('fixture');
fixture.replaceChildren(...Array.from({ length: N }, (_, i) => {
  const p = document.createElement('p');
  p.id = `e${i}`;
  p.className = 'item';
  p.title = `t${i}`;
  p.textContent = `original ${i}`;
  return p;
}));

const kinds = [
  (i) => ({ op: 'setText', selector: `#e${i}`, text: `changed ${i}` }),
  (i) => ({ op: 'setHtml', selector: `#e${i}`, html: `<b>bold ${i}</b>` }),
  (i) => ({ op: 'setAttr', selector: `#e${i}`, name: 'title', value: `new ${i}` }),
  (i) => ({ op: 'addClass', selector: `#e${i}`, class: 'hot' }),
  (i) => ({ op: 'setStyle', selector: `#e${i}`, style: { color: '#c00' } }),
];
const config = {
  version: 1,
  rules: [
    { id: 'plan', when: { 'cart.count': { $gte: 1 } }, actions: Array.from({ length: N }, (_, i) => kinds[i % kinds.length](i)) },
    ...Array.from({ length: 20 }, (_, i) => ({ id: `late${i}`, actions: [{ op: 'addClass', selector: `.late-${i}`, class: 'seen' }] })),
  ],
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// The peer: the same 50 changes by hand, and their undo.
function byHand() {
  const undo = [];
  for (let i = 0; i < N; i++) {
    const el = document.getElementById(`e${i}`);
    switch (i % kinds.length) {
      case 0: case 1: {
        const old = [...el.childNodes];
        if (i % kinds.length === 0) el.textContent = `changed ${i}`;
        else { el.textContent = ''; const b = document.createElement('b'); b.textContent = `bold ${i}`; el.append(b); }
        undo.push(() => el.replaceChildren(...old));
        break;
      }
      case 2: { const old = el.getAttribute('title'); el.setAttribute('title', `new ${i}`); undo.push(() => el.setAttribute('title', old)); break; }
      case 3: { const old = el.getAttribute('class'); el.classList.add('hot'); undo.push(() => el.setAttribute('class', old)); break; }
      default: { const old = el.getAttribute('style'); el.style.setProperty('color', '#c00', 'important'); undo.push(() => (old === null ? el.removeAttribute('style') : el.setAttribute('style', old))); }
    }
  }
  for (const u of undo.reverse()) u();
}

const nextTask = () => new Promise((r) => { const c = new MessageChannel(); c.port1.onmessage = r; c.port2.postMessage(0); });
const frame = () => new Promise((r) => requestAnimationFrame(r));

async function addNodes() {
  const feed = document.getElementById('feed');
  feed.replaceChildren();
  await frame();
  const t0 = performance.now();
  for (let batch = 0; batch < 100; batch++) {
    for (let j = 0; j < 10; j++) {
      const div = document.createElement('div');
      div.className = `late-${(batch * 10 + j) % 40}`;
      div.textContent = `node ${batch * 10 + j}`;
      feed.append(div);
    }
    await nextTask();
  }
  await frame();
  return performance.now() - t0;
}

async function run() {
  const v = await start({ config });
  v.consent.set({ personalization: true });
  const before = fixture.innerHTML;
  const results = {};
  const applyRevert = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    v.cart.add({ id: 'x', name: 'x', price: 1 });
    v.cart.clear();
    applyRevert.push(performance.now() - t0);
  }
  if (fixture.innerHTML !== before) throw new Error('the plan did not revert exactly');
  v.cart.add({ id: 'x', name: 'x', price: 1 });
  const applied = document.getElementById('e0').textContent === 'changed 0';
  v.cart.clear();
  if (!applied) throw new Error('the plan did not apply');
  results.plan = { median: median(applyRevert), iterations: applyRevert.length };
  const peer = [];
  for (let i = 0; i < 60; i++) {
    const t0 = performance.now();
    byHand();
    peer.push(performance.now() - t0);
  }
  results.peer = { median: median(peer), iterations: peer.length };
  const watched = [];
  for (let i = 0; i < 5; i++) watched.push(await addNodes());
  results.healed = document.querySelectorAll('#feed .seen').length;
  v.stop();
  const unwatched = [];
  for (let i = 0; i < 5; i++) unwatched.push(await addNodes());
  results.watched = { median: median(watched), iterations: 5 };
  results.unwatched = { median: median(unwatched), iterations: 5 };
  return results;
}

run().then(
  (results) => { window.benchResults = results; document.getElementById('out').textContent = JSON.stringify(results, null, 2); },
  (error) => { window.benchResults = { error: String(error?.message ?? error) }; document.getElementById('out').textContent = String(error?.stack ?? error); },
);
