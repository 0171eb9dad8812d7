// The privacy center: reads vitrine's consent info (categories, what each unlocks,
// the visitor's state), the proof records from profile.export(), and offers the
// data subject rights (export, erase). Everything is rendered with DOM APIs.
const NAMES = {
  visitor: 'visitas e sessões', clicks: 'cliques', cart: 'carrinho', dwell: 'tempo e rolagem',
  events: 'eventos', experiments: 'testes A/B', affinity: 'interesses por categoria e marca', identity: 'identificação de cliente',
  search: 'buscas no site (termos sem e-mail, CPF ou telefone)', feedback: 'sua opinião (notas NPS/CSAT/CES, pesquisas respondidas e o sentimento da última resposta, nunca o texto)',
};
const SOURCES = { panel: 'painel', api: 'site', tcf: 'CMP (TCF)', 'consent-mode': 'Consent Mode', 'consent-mode-default': 'Consent Mode (padrão da página)', 'cmp-expired': 'CMP expirado', gpc: 'GPC', storage: 'outra aba' };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children.filter((c) => c !== null && c !== undefined));
  return node;
}
const list = (items) => (items.length ? el('ul', {}, ...items.map((i) => el('li', {}, i))) : '—');

function render() {
  const v = window.vitrine;
  const info = v.consent.info();
  const text = (t) => t['pt-BR'] ?? t.en ?? '';
  document.getElementById('gpc-note').hidden = !info.gpc;
  document.querySelector('#categories tbody').replaceChildren(...info.categories.map((c) => el('tr', { 'data-category': c.id },
    el('td', {}, el('strong', {}, text(c.label) || c.id), el('br'), text(c.description)),
    el('td', { class: c.granted ? 'on' : 'off' }, c.required ? 'sempre ativo' : c.granted ? 'permitido' : 'não permitido'),
    el('td', {},
      el('div', {}, 'Dados: ', list(c.signals.map((s) => NAMES[s] ?? s))),
      el('div', {}, 'Regras: ', list(c.rules)),
      el('div', {}, 'Experimentos: ', list(c.experiments)),
      c.exposures ? el('div', {}, 'Envia exposições ao dataLayer (Google Tag Manager)') : null))));
  const records = v.profile.export().consent.records ?? [];
  document.querySelector('#records tbody').replaceChildren(...records.slice().reverse().map((r) => el('tr', {},
    el('td', {}, new Date(r.time_ms).toLocaleString('pt-BR')),
    el('td', {}, SOURCES[r.source] ?? r.source),
    el('td', {}, String(r.version)),
    el('td', {}, Object.entries(r.state).filter(([, g]) => g).map(([c]) => c).join(', ')))));
}

function wire() {
  const v = window.vitrine;
  render();
  for (const name of ['consent', 'erase']) v.on(name, render);
  document.getElementById('export').addEventListener('click', () => {
    const blob = new Blob([JSON.stringify(v.profile.export(), null, 2)], { type: 'application/json' });
    const a = el('a', { href: URL.createObjectURL(blob), download: 'meus-dados-torra-fina.json' });
    document.body.append(a);
    a.click();
    a.remove();
    // Revoked once the browser has taken the file.
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
    document.getElementById('rights-status').textContent = 'Arquivo gerado.';
  });
  document.getElementById('erase').addEventListener('click', () => {
    v.profile.erase();
    document.getElementById('rights-status').textContent = 'Todos os seus dados foram apagados deste navegador.';
  });
}

if (window.vitrine) wire();
else document.addEventListener('vitrine:ready', wire, { once: true });
