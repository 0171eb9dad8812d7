// The validator's errors next to the fields they name: every control of the editor
// carries the config path it writes (`data-path`, relative to the rule or experiment
// being edited); an error goes after the control whose path is the longest prefix
// of the error's, marked `aria-invalid` and tied to it with `aria-describedby`, and
// the section it is in is opened. "missing field "class"" at an action lands on
// that field when the form has it. What matches no control stays in the list.

import { el } from './editor-forms.js';

export function errorsNextToFields(shadow, list) {
  const clear = () => {
    for (const p of shadow.querySelectorAll('.field-error')) p.remove();
    for (const c of shadow.querySelectorAll('[aria-invalid]')) {
      c.removeAttribute('aria-invalid');
      c.setAttribute('aria-describedby', (c.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => !id.startsWith('err-')).join(' '));
      if (!c.getAttribute('aria-describedby')) c.removeAttribute('aria-describedby');
    }
    list.replaceChildren();
  };
  const controlFor = (path) => {
    let best = null;
    let length = -1;
    for (const control of shadow.querySelectorAll('[data-path]')) {
      if (control.closest('[hidden]')) continue;
      const p = control.dataset.path;
      const prefix = path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`);
      if (prefix && p.length > length) {
        best = control;
        length = p.length;
      }
    }
    return best;
  };
  /**
   * `prefix`: the edited item's path (`rules[3]`); `elsewhere(path)` may name the
   * element for a path the form does not hold (null: none, undefined: ask the form).
   */
  const show = (errors, prefix, elsewhere = () => undefined) => {
    clear();
    errors.forEach((e, i) => {
      const at = e.path.startsWith(prefix) ? e.path.slice(prefix.length).replace(/^\./, '') : null;
      const missing = e.message.match(/^missing field "([^"]+)"/);
      const path = at !== null && missing && controlFor(`${at}.${missing[1]}`) ? `${at}.${missing[1]}` : at;
      const other = path === null ? null : elsewhere(path);
      const control = path === null ? null : other !== undefined ? other : controlFor(path);
      if (!control) {
        list.append(el('li', {}, `${e.path}: ${e.message}`));
        return;
      }
      const id = `err-${i}`;
      control.after(el('p', { class: 'field-error', id }, e.message));
      control.setAttribute('aria-invalid', 'true');
      control.setAttribute('aria-describedby', [control.getAttribute('aria-describedby'), id].filter(Boolean).join(' '));
      control.closest('details')?.setAttribute('open', '');
    });
  };
  return { clear, controlFor, show };
}
