// In-browser benchmark: vitrine against GrowthBook's evalCondition in the same page.
// (a0) start() with a 1,000-rule config; (a) validate (with messages) a 1,000-rule config; (b) full evaluation of the 1,000 rules
// plus re-applying to the DOM (b2: an incremental update that touches no rule);
// (c) one real click (DOM event → signal → re-evaluation → diff) with 1,000 rules of
// which 10 read clicks; (d) GrowthBook's evalCondition over the same 1,000
// conditions and attributes. Results go to window.benchResults and the page.
import { start, validateConfig } from '/pkg/index.js';
// validateConfig() loads the validator part once; the bench then times its
// synchronous call directly (the same export, without the promise).
import { validateConfig as validateNow } from '/pkg/vitrine_validate.js';
import { evalCondition as growthbookEval } from '/vendor/growthbook/esm.min.js';

function conditionFor(i) {
  switch (i % 4) {
    case 0: return { 'cart.total': { $gte: i % 300 } };
    // 10 of the 1,000 rules read clicks.
    case 1: return i % 100 === 1 ? { [`clicks.k${i % 10}`]: { $gte: 1 } } : { [`events.e${i % 10}`]: { $gte: 1 } };
    case 2: return { $or: [{ 'page.path': `/p/${i}` }, { 'visitor.visits': { $gt: i % 7 } }] };
    default: return { 'device.type': { $in: ['mobile', 'desktop'] }, 'cart.count': { $lt: i % 5 } };
  }
}

const config = {
  version: 1,
  rules: Array.from({ length: 1000 }, (_, i) => ({
    id: `r${i}`,
    when: conditionFor(i),
    actions: [{ op: 'setText', selector: `#s${i}`, text: `t${i}` }],
  })),
};

function median(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

// Chromium rounds performance.now() to 0.1 ms here, so each sample times a batch
// of calls and divides: the median is over per-call times of `samples` batches.
function measure(samples, fn, batch = 10) {
  const times = [];
  for (let i = 0; i < 5; i++) fn(); // warm up
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    for (let j = 0; j < batch; j++) fn();
    times.push((performance.now() - t0) / batch);
  }
  return { median: median(times), iterations: samples * batch };
}

// As measure(), for an async call: each sample awaits one call.
async function measureAsync(samples, fn, warmUp = 3) {
  const times = [];
  for (let i = 0; i < warmUp; i++) await fn();
  for (let i = 0; i < samples; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return { median: median(times), iterations: samples };
}

async function run() {
  const results = {};
  // (a0) what a page pays to start with this config: read and compile the 1,000
  // rules, restore storage, plan and apply — then stop() reverts, so each sample
  // starts on the original page. Before the instance the other rows use.
  // The first 1,000-rule start of this page (the runtime already instantiated by a
  // start with an empty config): V8 compiles each wasm function on its first call
  // and runs baseline code until a function is hot, so this one sample is the
  // price of cold code. Then the steady state, after 20 warm-up starts, as the
  // other rows measure theirs.
  (await start({ config: { version: 1 } })).stop();
  const cold = performance.now();
  (await start({ config })).stop();
  results.startCold = { median: performance.now() - cold, iterations: 1 };
  results.start = await measureAsync(50, async () => {
    const w = await start({ config });
    w.stop();
  }, 20);
  const v = await start({ config });
  v.consent.set({ personalization: true });
  v.cart.add({ id: 'x', name: 'x', category: 'c', price: 120, quantity: 2 });
  if (!(await validateConfig(config)).ok) throw new Error('invalid bench config');
  results.validate = measure(30, () => {
    if (!validateNow(config).ok) throw new Error('invalid bench config');
  }, 2);
  // (b) refresh(): every rule evaluated from scratch, the plan diffed, and every
  // applied rule re-applied to the DOM (394 querySelectorAll calls).
  results.refresh = measure(50, () => v.refresh());
  // (b2) a custom event no rule reads: incremental evaluation re-evaluates nothing.
  results.incremental = measure(50, () => v.track('bench'));
  const target = document.getElementById('click-target');
  results.click = measure(50, () => target.click());
  const attributes = v.attributes();
  const conditions = config.rules.map((r) => r.when);
  let matched = 0;
  results.growthbook = measure(50, () => {
    matched = 0;
    for (const c of conditions) if (growthbookEval(attributes, c)) matched++;
  });
  results.matched = { vitrine: v.applied().length, growthbook: matched };
  v.stop();
  // (j) the sentiment part's scoring in the page's wasm, per sentence (the
  // lexicon loaded once, as v.sentiment does).
  const part = await import('/pkg/vitrine_sentiment.js');
  await part.default({ module_or_path: new URL('/pkg/vitrine_sentiment_bg.wasm', location.href) });
  part.loadLexicon('pt', await (await fetch('/pkg/sentiment-pt-br.tsv')).text());
  const sentences = [
    'A entrega atrasou muito, esperei quase três semanas.', 'Produto ótimo, chegou antes do prazo!',
    'Eu não estou feliz com o atendimento.', 'Qual o prazo de entrega para Recife?',
    'O produto é bom, mas a entrega atrasou.', 'Amei 😍 super recomendo', 'Nunca mais compro aqui.',
    'Veio quebrado e ninguém responde meus e-mails, que descaso.',
  ];
  results.sentiment = measure(50, () => { for (const s of sentences) part.score(s, 'pt'); });
  results.sentiment.median /= sentences.length;
  return results;
}

run().then(
  (results) => {
    window.benchResults = results;
    document.getElementById('out').textContent = JSON.stringify(results, null, 2);
  },
  (error) => {
    window.benchResults = { error: String(error?.message ?? error) };
    document.getElementById('out').textContent = String(error?.stack ?? error);
  },
);
