// The point-and-click editor (`?vitrine_edit=1`), loaded on demand by runtime.js and
// never otherwise. It lives in a shadow root outside <body>, so the page's own DOM
// is untouched but for what a preview applies. The site owner loads the page's
// config (or one by URL), picks a rule or experiment to edit or starts a new one,
// picks an element (by mouse, or Tab through candidates and Enter) and gets a
// robust selector (js/editor-selector.js) with its match count, chooses any
// operation with its fields and templates (js/editor-forms.js, made from the
// schema), targets it (conditions, trigger, frequency, schedule, consent; read back
// in plain language), previews it through the real runtime — also "as a visitor"
// with simulated attributes, showing the engine's decisions and reasons — discards
// it exactly, and downloads or copies the config: the original with the edit,
// unknown fields kept, validated by the CLI's validator with each error next to
// the field it names. Everything is built with DOM methods and textContent: no
// innerHTML, so it works under a strict CSP with Trusted Types.

import { proposeSelectors } from './editor-selector.js';
import { TEXTS, actionForm, conditionForm, el, targetingForm } from './editor-forms.js';
import { TEMPLATE_ATTRIBUTE_PATHS, attributesOf, categoriesOf, describeRule, isObject } from './editor-words.js';
import { errorsNextToFields } from './editor-errors.js';
import { visitorPanel } from './editor-visitor.js';

export { describeCondition, describeRule } from './editor-words.js';

const MORE = {
  en: {
    load: 'Config URL', loadButton: 'Load', loaded: (n, m) => `Loaded: ${n} rules, ${m} experiments.`, loadFailed: (why) => `Could not load the config: ${why}`,
    edit: 'Edit', newRule: 'a new rule', newExperiment: 'a new experiment', rule: 'rule', experiment: 'experiment',
    variants: 'Variants', addVariant: 'Add a variant with the change above', addControl: 'Add a control (no change)', useChange: 'Use the change above',
    remove: 'Remove', weight: 'Weight', coverage: 'Coverage (0–1)', control: 'control (no change)',
    actions: 'Actions', inForm: 'in the form', editAction: 'Edit action', addAction: 'Add another action',
    visitor: 'Preview as a visitor', cartTotal: 'Cart total', channel: 'Channel', utm: 'UTM source', visits: 'Visits', affinity: 'Affinity category', score: 'Score',
    variantOf: (id) => `Variant of ${id}`, bucketed: '(bucketed)', asVisitor: 'Preview as this visitor', previewingAs: (what) => `Previewing as a visitor with ${what}.`,
    decisions: 'Decisions', kind: 'kind', id: 'id', applies: 'applies', variant: 'variant', why: 'why', yes: 'yes', no: 'no', any: '(as is)',
  },
  pt: {
    load: 'URL da configuração', loadButton: 'Carregar', loaded: (n, m) => `Carregada: ${n} regras, ${m} experimentos.`, loadFailed: (why) => `Não foi possível carregar a configuração: ${why}`,
    edit: 'Editar', newRule: 'uma regra nova', newExperiment: 'um experimento novo', rule: 'regra', experiment: 'experimento',
    variants: 'Variantes', addVariant: 'Adicionar variante com a mudança acima', addControl: 'Adicionar controle (sem mudança)', useChange: 'Usar a mudança acima',
    remove: 'Remover', weight: 'Peso', coverage: 'Cobertura (0–1)', control: 'controle (sem mudança)',
    actions: 'Ações', inForm: 'no formulário', editAction: 'Editar ação', addAction: 'Adicionar outra ação',
    visitor: 'Pré-visualizar como visitante', cartTotal: 'Total do carrinho', channel: 'Canal', utm: 'Origem UTM', visits: 'Visitas', affinity: 'Categoria de afinidade', score: 'Pontuação',
    variantOf: (id) => `Variante de ${id}`, bucketed: '(sorteada)', asVisitor: 'Pré-visualizar como este visitante', previewingAs: (what) => `Pré-visualizando como visitante com ${what}.`,
    decisions: 'Decisões', kind: 'tipo', id: 'id', applies: 'aplica', variant: 'variante', why: 'por quê', yes: 'sim', no: 'não', any: '(como está)',
  },
};
const STYLE = `:host{all:initial}aside{position:fixed;top:0;right:0;width:360px;max-height:100vh;overflow:auto;z-index:2147483647;background:#fff;color:#1d232b;font:14px/1.4 system-ui,sans-serif;border-left:1px solid #8a939e;box-shadow:-4px 0 16px #0002;padding:12px 14px;box-sizing:border-box}
h2{font-size:16px;margin:0 0 8px}label,.label{display:block;margin:8px 0 2px;font-weight:600}label.inline{display:inline-flex;gap:3px;margin:2px 8px 2px 0;font-weight:400;align-items:center}
input,select,textarea{width:100%;box-sizing:border-box;font:inherit;padding:4px}input[type=checkbox]{width:auto}button{font:inherit;margin:4px 4px 0 0;padding:4px 8px}
.row{display:flex;gap:4px;align-items:center}.row>*{flex:1 1 0;min-width:0}.row>button{flex:0 0 auto}.grid label.inline input{width:70px}
.muted{color:#4a5360;font-size:12px}.errors,.field-error{color:#a1241b}.field-error{margin:2px 0;font-size:12px}[aria-invalid=true]{outline:2px solid #a1241b}
fieldset{border:1px solid #c5cad1;margin:6px 0;padding:4px 8px}details{margin:8px 0}summary{cursor:pointer;font-weight:600}
table{width:100%;border-collapse:collapse;font-size:12px}td,th{text-align:left;border-top:1px solid #d6dae0;padding:2px 4px;vertical-align:top}.yes{color:#1a7f37}.no{color:#a1241b}
.box{position:fixed;pointer-events:none;outline:3px solid #1f6fd1;outline-offset:1px;z-index:2147483646}`;

const listOf = (v) => (Array.isArray(v) ? v : []);

/**
 * Mounts the editor. `config` is the config the page started with; `restart(config,
 * simulate, between)` stops the running vitrine, calls `between()`, and starts one
 * with `config` (resolving to it; `simulate`: attributes to lay over the
 * visitor's); `validate(config)` is validateConfig.
 */
export function mountEditor({ config, restart: restartWith, validate }) {
  const lang = (document.documentElement.lang || navigator.language || 'en').toLowerCase().startsWith('pt') ? 'pt' : 'en';
  const t = TEXTS[lang];
  const m = MORE[lang];
  const pageConfig = structuredClone(config);
  let original = structuredClone(config);
  let attributes = attributesOf(original, lang);
  let picked = null;
  let previewing = false;
  // What is being edited: a new rule (index null) or the rule / experiment at index.
  let editing = { kind: 'rule', index: null };
  let base = {};
  let variants = [];
  let variantSerial = 0;
  let loadedItem = '';
  // A rule's actions: the form edits the one at `actionIndex`; the others are listed.
  let ruleActions = [];
  let actionIndex = 0;
  let actionRows = [];

  // A simulated variant is previewed as QA forces one: `?vitrine_force` in the URL
  // (what the page came with when none is asked), set while no vitrine runs, so
  // none sees it as a navigation; the reasons then say "forced by URL".
  const pageForce = new URLSearchParams(location.search).get('vitrine_force');
  const restart = (next, simulate = {}) => {
    const forced = Object.entries(simulate).filter(([k, v]) => k.startsWith('experiments.') && typeof v === 'string').map(([k, v]) => `${k.slice(12)}:${v}`);
    // The runtime lays an attribute object over the visitor's: dotted paths nested.
    // (Objects without a prototype: a catalog category named `__proto__` is a key.)
    const attributes = Object.create(null);
    for (const [path, value] of Object.entries(simulate)) {
      if (path.startsWith('experiments.')) continue;
      const keys = path.split('.');
      let at = attributes;
      for (const key of keys.slice(0, -1)) {
        if (!Object.hasOwn(at, key) || typeof at[key] !== 'object') at[key] = Object.create(null);
        at = at[key];
      }
      at[keys.at(-1)] = value;
    }
    // A preview is nobody's exposure: its config delivers nothing to analytics.
    const { exposures: _e, destinations: _d, goals: _g, ...quiet } = next;
    return restartWith(quiet, attributes, () => {
      const url = new URL(location.href);
      const force = forced.length ? forced.join(',') : pageForce;
      if (force === null) url.searchParams.delete('vitrine_force');
      else url.searchParams.set('vitrine_force', force);
      if (url.href !== location.href) history.replaceState(history.state, '', url.href);
    });
  };
  const host = document.createElement('vitrine-editor');
  const shadow = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  style.textContent = STYLE;
  const box = el('div', { class: 'box', hidden: true });
  const status = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite' });
  const errors = el('ul', { class: 'errors' });
  const actionList = el('div', { id: 'actions' });
  const selectorInput = el('input', { id: 'selector', 'aria-describedby': 'matches', 'data-path': 'actions[0].selector' });
  const matches = el('p', { id: 'matches', class: 'muted' });
  const reading = el('p', { class: 'muted', id: 'reading' });
  const ruleId = el('input', { id: 'rule-id', value: `edited-${Date.now().toString(36)}`, 'data-path': 'id' });
  const consent = el('select', { id: 'consent', 'data-path': 'consent' });
  const coverage = el('input', { id: 'coverage', type: 'number', min: 0, max: 1, step: 0.05, 'data-path': 'coverage' });
  const variantList = el('div', { id: 'variants' });
  const experimentBox = el('div', { hidden: true }, el('h3', {}, m.variants), variantList,
    el('button', { type: 'button', id: 'variant-add', onclick: () => addVariant(false) }, m.addVariant),
    el('button', { type: 'button', id: 'variant-control', onclick: () => addVariant(true) }, m.addControl),
    el('label', { for: 'coverage' }, m.coverage), coverage);
  const editSelect = el('select', { id: 'edit' });
  const configUrl = el('input', { id: 'config-url', type: 'url', placeholder: '/vitrine.json' });

  const onChange = () => {
    updateReading();
    updateFormRow();
  };
  const action = actionForm({ lang, path: 'actions[0]', onChange, templatePaths: () => TEMPLATE_ATTRIBUTE_PATHS.concat(Object.keys(attributes).filter((p) => !TEMPLATE_ATTRIBUTE_PATHS.includes(p) && p !== 'segments')) });
  let conditions = conditionForm({ lang, attributes, onChange });
  const conditionSlot = el('div', {}, conditions.element);
  const targeting = targetingForm({ lang, onChange });

  const fillConsent = (selected) => {
    const categories = (Array.isArray(original.consent?.categories) ? original.consent.categories.map((c) => c?.id) : ['personalization', 'preferences', 'analytics', 'marketing'])
      .filter((c) => typeof c === 'string' && c !== 'necessary');
    if (selected && !categories.includes(selected)) categories.push(selected);
    consent.replaceChildren(...categories.map((c) => el('option', { value: c, selected: c === (selected ?? 'personalization') || undefined }, c)));
  };
  const fillEditSelect = () => {
    editSelect.replaceChildren(
      el('option', { value: 'rule:' }, m.newRule),
      el('option', { value: 'experiment:' }, m.newExperiment),
      ...listOf(original.rules).map((r, i) => el('option', { value: `rule:${i}` }, `${m.rule}: ${r?.id ?? i}`)),
      ...listOf(original.experiments).map((x, i) => el('option', { value: `experiment:${i}` }, `${m.experiment}: ${x?.id ?? i}`)),
    );
  };

  /** The action the form describes, with its selector where the operation has one. */
  const currentAction = () => {
    const a = action.read();
    const spec = action.spec();
    const selector = selectorInput.value.trim();
    const popupLike = a.op === 'popup' || a.op === 'survey';
    if (spec.selector !== 'none' && selector && (!popupLike || a.display === 'inline')) return { op: a.op, selector, ...a };
    return a;
  };
  // An existing item without `consent` keeps having none while the default is chosen.
  const withConsent = (item) => {
    if (Array.isArray(base.consent) && base.consent[0] === consent.value) item.consent = base.consent;
    else if (editing.index !== null && base.consent === undefined && consent.value === 'personalization') delete item.consent;
    else item.consent = consent.value;
    return item;
  };
  const rule = () => {
    const r = withConsent({ ...structuredClone(base), id: ruleId.value.trim() });
    const when = conditions.read();
    if (when === undefined) delete r.when;
    else r.when = when;
    r.actions = actionsWithForm();
    return targeting.write(r);
  };
  const experiment = () => {
    const x = withConsent({ ...structuredClone(base), id: ruleId.value.trim() });
    const when = conditions.read();
    if (when === undefined) delete x.when;
    else x.when = when;
    if (coverage.value.trim() === '') delete x.coverage;
    else x.coverage = Number(coverage.value);
    x.variants = variants.map((v) => {
      const out = { ...v.base, id: v.id.value.trim() };
      if (v.weight.value.trim() === '') delete out.weight;
      else out.weight = Number(v.weight.value);
      if (v.actions?.length) out.actions = v.actions;
      else delete out.actions;
      return out;
    });
    return x;
  };
  /** The config being edited with the edit in place (or added); unknown fields kept. */
  const edited = () => {
    const next = structuredClone(original);
    const section = editing.kind === 'rule' ? 'rules' : 'experiments';
    const item = editing.kind === 'rule' ? rule() : experiment();
    const list = listOf(next[section]);
    // Only the item being edited is replaced: a new one with an existing id is
    // added, and the validator says the id is taken (next to the id field).
    const at = editing.index ?? -1;
    if (at >= 0 && at < list.length) list[at] = item;
    else list.push(item);
    next[section] = list;
    return { config: next, prefix: `${section}[${at >= 0 && at < list.length ? at : list.length - 1}]` };
  };

  const showMatches = () => {
    let n = 0;
    try {
      n = selectorInput.value.trim() ? document.querySelectorAll(selectorInput.value).length : 0;
    } catch {
      n = 0;
    }
    matches.textContent = t.matches(n);
  };
  const updateReading = () => {
    const item = editing.kind === 'rule' ? rule() : { when: conditions.read(), consent: consent.value };
    reading.textContent = `${t.reading} ${describeRule(item, lang, attributes)}`;
  };

  // Errors next to the fields they name (js/editor-errors.js); an action that is
  // not in the form has its errors on its row: a variant's, or a rule's other one.
  const fieldErrors = errorsNextToFields(shadow, errors);
  const clearErrors = fieldErrors.clear;
  const showErrors = (list, prefix) => fieldErrors.show(list, prefix, (path) => {
    const variant = path.match(/^variants\[(\d+)\]\.actions/);
    if (variant) return variants[Number(variant[1])]?.summary ?? null;
    const other = editing.kind === 'rule' ? path.match(/^actions\[(\d+)\]/) : null;
    if (other && Number(other[1]) !== actionIndex) return actionRows[Number(other[1])] ?? null;
    return undefined;
  });
  const check = async () => {
    const { config: next, prefix } = edited();
    const result = await validate(next);
    showErrors(result.errors, prefix);
    status.textContent = result.ok ? t.valid : t.invalid(result.errors.length);
    return result.ok;
  };

  // Loading what to edit.
  function loadItem(kind, index) {
    editing = { kind, index };
    const item = index === null ? null : listOf(kind === 'rule' ? original.rules : original.experiments)[index];
    base = isObject(item) ? structuredClone(item) : {};
    ruleId.value = typeof base.id === 'string' ? base.id : `edited-${Date.now().toString(36)}`;
    fillConsent(Array.isArray(base.consent) ? base.consent[0] : base.consent);
    conditions.load(base.when);
    targeting.load(kind === 'rule' ? base : {});
    targeting.element.hidden = kind !== 'rule';
    experimentBox.hidden = kind !== 'experiment';
    coverage.value = typeof base.coverage === 'number' ? String(base.coverage) : '';
    variantList.replaceChildren();
    variants = [];
    variantSerial = 0;
    if (kind === 'experiment') {
      for (const v of listOf(base.variants)) addVariantRow(isObject(v) ? v : {});
    }
    ruleActions = kind === 'rule' ? structuredClone(listOf(base.actions)) : [];
    actionIndex = 0;
    const first = kind === 'rule' ? ruleActions[0] : listOf(base.variants).map((v) => listOf(v?.actions)[0]).find(isObject);
    loadAction(first);
    renderActions();
    clearErrors();
    updateReading();
    loadedItem = JSON.stringify(currentItem());
  }
  const currentItem = () => (editing.kind === 'rule' ? rule() : experiment());
  // Going to another item keeps this one's edit in the working config (a new item
  // only once something was filled in), so several edits make one download.
  function keepEdit() {
    if (JSON.stringify(currentItem()) === loadedItem) return;
    original = edited().config;
    attributes = attributesOf(original, lang);
    // A survey or model just added is an attribute the next condition may read.
    conditions = conditionForm({ lang, attributes, onChange });
    conditionSlot.replaceChildren(conditions.element);
  }
  // The action in the form as it was loaded: while the owner has not changed it, the
  // rule keeps the original exactly (an operation the form cannot show, a stray field,
  // its key order).
  let formLoaded = null;
  const actionsWithForm = () => {
    const list = [...ruleActions];
    const untouched = formLoaded !== null && JSON.stringify(currentAction()) === formLoaded && list[actionIndex] !== undefined;
    if (!untouched) list[actionIndex] = currentAction();
    return list;
  };
  /** Shows `a` in the form as the rule's action `actionIndex`; a new one (undefined) keeps the element. */
  function loadAction(a) {
    // The controls write `actions[<index>]` (set first: the fields are made with it).
    action.setPath(`actions[${actionIndex}]`);
    selectorInput.dataset.path = `actions[${actionIndex}].selector`;
    if (isObject(a)) {
      action.load(a);
      selectorInput.value = typeof a.selector === 'string' ? a.selector : '';
      picked = null;
    } else action.reset();
    showMatches();
    formLoaded = a === undefined ? null : JSON.stringify(currentAction());
  }
  // The rule's other actions, each with a button to edit it in the form or remove it,
  // and one to add an action (the form's change is kept first). Errors shown belong
  // to the previous arrangement: they go, the next check places them again.
  function renderActions() {
    actionRows = [];
    if (editing.kind !== 'rule') return void actionList.replaceChildren();
    const list = actionsWithForm();
    const rearrange = (change) => {
      ruleActions = actionsWithForm();
      change();
      clearErrors();
      renderActions();
      updateReading();
    };
    const go = (index) => rearrange(() => {
      actionIndex = index;
      loadAction(ruleActions[index]);
    });
    actionList.replaceChildren(
      el('p', { class: 'label' }, `${m.actions} (${list.length})`),
      ...list.map((a, i) => {
        const summary = el('span', { class: i === actionIndex ? '' : 'muted' }, describeAction(a, i));
        actionRows[i] = summary;
        return el('div', { class: 'row' }, summary,
          i === actionIndex ? el('span', { class: 'muted' }, m.inForm) : el('button', { type: 'button', 'aria-label': `${m.editAction} ${i + 1}`, onclick: () => { go(i); action.op.focus(); } }, m.editAction),
          list.length > 1 ? el('button', { type: 'button', 'aria-label': `${m.remove} ${i + 1}`, onclick: () => {
            rearrange(() => {
              ruleActions.splice(i, 1);
              if (i < actionIndex) actionIndex -= 1;
              else if (i === actionIndex) actionIndex = Math.min(i, ruleActions.length - 1);
              // Shown again at its (new) place, so every control writes the right path.
              if (i <= actionIndex || i === actionIndex + 1) loadAction(ruleActions[actionIndex]);
            });
            // The pressed button is gone: the keyboard goes on from the list's end.
            actionList.querySelector('#action-add')?.focus();
          } }, '×') : null);
      }),
      el('button', { type: 'button', id: 'action-add', onclick: () => {
        rearrange(() => {
          actionIndex = ruleActions.length;
          ruleActions.push(undefined);
          loadAction(undefined);
        });
        action.op.focus();
      } }, m.addAction));
  }
  const describeAction = (a, i) => `${i + 1}. ${isObject(a) && typeof a.op === 'string' ? a.op : '?'} ${isObject(a) && typeof a.selector === 'string' ? a.selector : ''}`.trim();
  // The form's own row follows what the form says.
  const updateFormRow = () => {
    if (editing.kind === 'rule' && actionRows[actionIndex]) actionRows[actionIndex].textContent = describeAction(currentAction(), actionIndex);
  };
  function addVariantRow(v) {
    const n = variantSerial++;
    const id = el('input', { id: `variant-id-${n}`, value: typeof v.id === 'string' ? v.id : '' });
    const weight = el('input', { id: `variant-weight-${n}`, type: 'number', min: 0, max: 1, step: 0.05, value: typeof v.weight === 'number' ? v.weight : '' });
    const summary = el('span', { class: 'muted' });
    const legend = el('legend', {});
    const row = { id, weight, legend, summary, base: structuredClone(v), actions: listOf(v.actions) };
    const describe = () => { summary.textContent = row.actions.length ? row.actions.map((a) => `${a?.op} ${a?.selector ?? ''}`.trim()).join(', ') : m.control; };
    describe();
    const line = el('fieldset', {}, legend, el('div', { class: 'row' }, id, weight), summary,
      el('div', {},
        el('button', { type: 'button', onclick: () => { row.actions = [currentAction(), ...row.actions.slice(1)]; describe(); } }, m.useChange),
        el('button', { type: 'button', onclick: () => { variants.splice(variants.indexOf(row), 1); line.remove(); renumber(); } }, m.remove)));
    variants.push(row);
    variantList.append(line);
    renumber();
  }
  // Config paths follow the current order, so an error on `variants[1]` finds its row.
  function renumber() {
    variants.forEach((row, i) => {
      row.id.dataset.path = `variants[${i}].id`;
      row.weight.dataset.path = `variants[${i}].weight`;
      row.legend.textContent = `${m.variant} ${i + 1}`;
      row.id.setAttribute('aria-label', `${m.variant} ${i + 1}: ${m.id}`);
      row.weight.setAttribute('aria-label', `${m.variant} ${i + 1}: ${m.weight}`);
      row.summary.dataset.path = `variants[${i}].actions`;
    });
  }
  function addVariant(control) {
    const n = variants.length;
    const taken = new Set(variants.map((v) => v.id.value));
    let name = control ? 'control' : `v${n}`;
    for (let i = n; taken.has(name); i++) name = control ? `control-${i}` : `v${i + 1}`;
    addVariantRow(control ? { id: name } : { id: name, actions: [currentAction()] });
    variants.at(-1).id.focus();
    visitorPart.refresh();
  }
  async function loadFromUrl(sameSite = false) {
    const url = configUrl.value.trim();
    try {
      const response = await fetch(new URL(url, location.href), { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      // Asked by the page's URL: after redirects too, only this site's file.
      if (sameSite && new URL(response.url).origin !== location.origin) throw new Error(`not from ${location.origin}`);
      const json = await response.json();
      if (!isObject(json)) throw new Error('not a JSON object');
      original = json;
      attributes = attributesOf(original, lang);
      const replacement = conditionForm({ lang, attributes, onChange });
      conditionSlot.replaceChildren(replacement.element);
      conditions = replacement;
      fillEditSelect();
      loadItem('rule', null);
      const result = await validate(original);
      showErrors(result.errors, '\u0000');
      status.textContent = m.loaded(listOf(original.rules).length, listOf(original.experiments).length);
    } catch (error) {
      status.textContent = m.loadFailed(error?.message ?? String(error));
    }
  }

  // Picking: hover and click, or Tab through candidates and Enter.
  let picking = false;
  let candidates = [];
  let cursor = -1;
  const outline = (target) => {
    if (!target) return void (box.hidden = true);
    const r = target.getBoundingClientRect();
    Object.assign(box.style, { left: `${r.left}px`, top: `${r.top}px`, width: `${r.width}px`, height: `${r.height}px` });
    box.hidden = false;
  };
  const choose = (target) => {
    stopPicking();
    picked = target;
    const proposals = proposeSelectors(target);
    selectorInput.value = (proposals.find((p) => p.unique) ?? proposals[0])?.selector ?? '';
    selectorInput.dataset.proposals = JSON.stringify(proposals.map((p) => p.selector));
    showMatches();
    status.textContent = '';
    outline(target);
    const text = action.controls().text?.focus;
    if (text && !text.value) text.value = target.textContent.trim().slice(0, 200);
    selectorInput.focus();
  };
  const onMove = (e) => {
    if (!host.contains(e.target) && e.target instanceof Element) outline(e.target);
  };
  const onClickPick = (e) => {
    if (host.contains(e.target) || !(e.target instanceof Element)) return;
    e.preventDefault();
    e.stopPropagation();
    choose(e.target);
  };
  const onKey = (e) => {
    if (!picking) return;
    if (e.key === 'Escape') {
      stopPicking();
      pickButton.focus();
    } else if (e.key === 'Tab' && candidates.length > 0) {
      e.preventDefault();
      cursor = (cursor + (e.shiftKey ? -1 : 1) + candidates.length) % candidates.length;
      outline(candidates[cursor]);
      status.textContent = `${candidates[cursor].localName}: ${candidates[cursor].textContent.trim().slice(0, 60)}`;
    } else if (e.key === 'Enter' && cursor >= 0) {
      e.preventDefault();
      choose(candidates[cursor]);
    }
  };
  function startPicking() {
    picking = true;
    candidates = Array.from(document.body.querySelectorAll('h1,h2,h3,h4,p,a,button,img,li,[id],[data-vitrine-track]')).filter((c) => c.getClientRects().length > 0);
    cursor = -1;
    status.textContent = t.picking;
    document.addEventListener('mousemove', onMove, true);
    document.addEventListener('click', onClickPick, true);
  }
  function stopPicking() {
    picking = false;
    document.removeEventListener('mousemove', onMove, true);
    document.removeEventListener('click', onClickPick, true);
  }
  document.addEventListener('keydown', onKey, true);

  const pickButton = el('button', { id: 'pick', type: 'button', onclick: startPicking }, t.pick);
  const widen = () => {
    const target = picked?.parentElement;
    if (target && target !== document.body) choose(target);
  };
  const narrow = () => {
    const target = picked?.firstElementChild;
    if (target) choose(target);
  };
  const preview = async (simulate) => {
    if (editing.kind === 'rule' && action.spec().selector === 'required' && !selectorInput.value.trim()) return void (status.textContent = t.nothing);
    if (!(await check())) return;
    const instance = await restart(edited().config, simulate);
    previewing = true;
    visitorPart.showDecisions(instance);
    return instance;
  };
  const previewPlain = async () => {
    if (await preview(undefined)) status.textContent = t.previewing;
  };
  const discard = async () => {
    if (previewing) await restart(pageConfig);
    previewing = false;
    visitorPart.clearDecisions();
    status.textContent = t.discarded;
  };
  const download = async () => {
    if (!(await check())) return;
    const blob = new Blob([`${JSON.stringify(edited().config, null, 2)}\n`], { type: 'application/json' });
    const href = URL.createObjectURL(blob);
    const a = el('a', { href, download: 'vitrine.json' });
    shadow.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(JSON.stringify(edited().config, null, 2));
      status.textContent = t.copied;
    } catch (error) {
      status.textContent = `${t.copyFailed} ${error?.message ?? ''}`.trim();
    }
  };

  // Preview as a visitor (js/editor-visitor.js): the simulated attributes go to
  // the runtime with the edited config; the engine's decisions come back.
  const visitorPart = visitorPanel({
    m,
    categories: () => categoriesOf(original),
    experiments: () => listOf(edited().config.experiments),
    preview: async (simulate) => {
      if (await preview(simulate)) {
        const what = Object.entries(simulate).map(([k, v]) => `${k} = ${v}`).join(', ');
        status.textContent = m.previewingAs(what || m.any);
      }
    },
  });
  const visitor = visitorPart.element;

  selectorInput.addEventListener('input', () => {
    showMatches();
    updateFormRow();
  });
  for (const input of [ruleId, consent]) input.addEventListener('input', updateReading);
  editSelect.addEventListener('change', () => {
    const [kind, index] = editSelect.value.split(':');
    keepEdit();
    const chosen = editSelect.value;
    fillEditSelect();
    editSelect.value = chosen;
    loadItem(kind, index === '' ? null : Number(index));
  });
  fillConsent();
  fillEditSelect();
  const panel = el('aside', { role: 'complementary', 'aria-label': t.title },
    el('h2', {}, t.title),
    el('label', { for: 'config-url' }, m.load), el('div', { class: 'row' }, configUrl, el('button', { type: 'button', id: 'config-load', onclick: () => loadFromUrl() }, m.loadButton)),
    el('label', { for: 'edit' }, m.edit), editSelect,
    pickButton,
    el('label', { for: 'selector' }, t.selector), selectorInput, matches,
    el('div', { class: 'row' }, el('button', { type: 'button', id: 'widen', onclick: widen }, t.widen), el('button', { type: 'button', id: 'narrow', onclick: narrow }, t.narrow)),
    action.element,
    actionList,
    el('p', { class: 'label', id: 'when-label' }, t.when), conditionSlot, reading,
    targeting.element,
    el('label', { for: 'rule-id' }, t.ruleId), ruleId,
    el('label', { for: 'consent' }, t.consent), consent,
    experimentBox,
    el('div', {},
      el('button', { type: 'button', id: 'preview', onclick: previewPlain }, t.preview),
      el('button', { type: 'button', id: 'discard', onclick: discard }, t.discard),
      el('button', { type: 'button', id: 'download', onclick: download }, t.download),
      el('button', { type: 'button', id: 'copy', onclick: copy }, t.copy)),
    errors, status, visitor, visitorPart.decisions);
  shadow.append(style, box, panel);
  loadItem('rule', null);
  // Outside <body>: the page's own tree stays as the page made it. The owner asked
  // for the editor: it takes the focus, so the keyboard starts in the panel.
  document.documentElement.append(host);
  pickButton.focus();
  // `?vitrine_config=<url>` loads that config to edit: only from this site, so a
  // link cannot slip another site's config into the owner's editor.
  const asked = new URLSearchParams(location.search).get('vitrine_config');
  if (asked) {
    try {
      if (new URL(asked, location.href).origin === location.origin) {
        configUrl.value = asked;
        loadFromUrl(true);
      }
    } catch { /* not a URL: nothing loaded */ }
  }
  return () => {
    stopPicking();
    document.removeEventListener('keydown', onKey, true);
    host.remove();
  };
}
