// The demo shop's own code: product grid, category filter and cart. Consent is
// vitrine's built-in panel (consent.ui in vitrine.json).
// The shop works on its own; when vitrine is ready it mirrors the cart into it and
// If vitrine fails to load, the shop still works.
const PRODUCTS = [
  { id: 'cafe-bourbon', name: 'Café Bourbon Amarelo 250 g', category: 'cafes', brand: 'Fazenda Serra', price: 49.9 },
  { id: 'cafe-catuai', name: 'Café Catuaí Vermelho 250 g', category: 'cafes', brand: 'Fazenda Serra', price: 44.9 },
  { id: 'cafe-geisha', name: 'Café Geisha 250 g', category: 'cafes', brand: 'Sítio Alto', price: 129.0 },
  { id: 'cafe-arara', name: 'Café Arara 250 g', category: 'cafes', brand: 'Sítio Alto', price: 54.9 },
  { id: 'cha-sencha', name: 'Chá Verde Sencha 100 g', category: 'chas', brand: 'Folha Viva', price: 32.0 },
  { id: 'cha-mate', name: 'Chá Mate Tostado 100 g', category: 'chas', brand: 'Erva Sul', price: 18.5 },
  { id: 'cha-hibisco', name: 'Chá de Hibisco 100 g', category: 'chas', brand: 'Folha Viva', price: 24.9 },
  { id: 'cha-earl-grey', name: 'Chá Earl Grey 100 g', category: 'chas', brand: 'Folha Viva', price: 29.9 },
  { id: 'prensa', name: 'Prensa Francesa 600 ml', category: 'acessorios', brand: 'Barista BR', price: 149.0 },
  { id: 'moedor', name: 'Moedor Manual de Cerâmica', category: 'acessorios', brand: 'Barista BR', price: 189.0 },
  { id: 'coador-v60', name: 'Coador V60', category: 'acessorios', brand: 'Hario', price: 89.9 },
  { id: 'caneca', name: 'Caneca Esmaltada', category: 'acessorios', brand: 'Barista BR', price: 39.9 },
];
const CATEGORY_NAMES = { cafes: 'Cafés', chas: 'Chás', acessorios: 'Acessórios' };
const brl = new Intl.NumberFormat('pt-BR', { style: 'currency', currency: 'BRL' });

// The shop's cart lives in sessionStorage, as a real shop keeps its own cart.
let cart = [];
try {
  cart = JSON.parse(sessionStorage.getItem('shop-cart') ?? '[]');
  if (!Array.isArray(cart)) cart = [];
} catch {
  cart = [];
}

const vitrine = () => window.vitrine;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

// The shop's own search: names matched without case or accents.
const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
let query = '';

function renderProducts(filter = 'all') {
  const list = document.getElementById('products');
  const words = fold(query).split(/\s+/).filter(Boolean);
  const shown = PRODUCTS.filter((p) => filter === 'all' || p.category === filter)
    .filter((p) => words.every((w) => fold(p.name).includes(w)));
  list.replaceChildren(
    ...shown.map((p) =>
      el(
        'li',
        {
          class: 'card',
          'data-product-id': p.id,
          'data-category': p.category,
          'data-brand': p.brand,
          'data-price': String(p.price),
        },
        el('span', { class: 'card-category' }, CATEGORY_NAMES[p.category]),
        el('h3', {}, p.name),
        el('p', { class: 'price' }, brl.format(p.price)),
        el('button', { type: 'button', class: 'add', 'data-add': p.id }, 'Adicionar'),
      ),
    ),
  );
  return shown.length;
}

// A search is reported as GA4 does (view_search_results), which vitrine reads:
// no vitrine code here, and the term is redacted before vitrine keeps it.
function search(term) {
  query = term.trim();
  const results = renderProducts();
  document.getElementById('products-title').textContent = query ? `Resultados para “${query}”` : 'Produtos';
  if (query) (window.dataLayer = window.dataLayer || []).push({ event: 'view_search_results', search_term: query, search_results: results });
  vitrine()?.refresh();
}

document.getElementById('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  search(document.getElementById('search-input').value);
});

function renderCart() {
  const items = document.getElementById('cart-items');
  items.replaceChildren(
    ...cart.map((line) =>
      el(
        'li',
        { 'data-line': line.id },
        `${line.quantity}× ${line.name} — ${brl.format(line.price * line.quantity)} `,
        el('button', { type: 'button', class: 'remove', 'data-remove': line.id, 'aria-label': `Remover ${line.name}` }, 'Remover'),
      ),
    ),
  );
  const total = cart.reduce((sum, l) => sum + l.price * l.quantity, 0);
  document.getElementById('cart-total').textContent = brl.format(total);
  document.getElementById('cart-count').textContent = String(cart.reduce((n, l) => n + l.quantity, 0));
  sessionStorage.setItem('shop-cart', JSON.stringify(cart));
}

function addToCart(id) {
  const product = PRODUCTS.find((p) => p.id === id);
  if (!product) return;
  const line = cart.find((l) => l.id === id);
  if (line) line.quantity += 1;
  else cart.push({ ...product, quantity: 1 });
  renderCart();
  vitrine()?.cart.add({ ...product, quantity: 1 });
}

function removeFromCart(id) {
  cart = cart.filter((l) => l.id !== id);
  renderCart();
  vitrine()?.cart.remove(id);
}

// A purchase-like action for the demo: the GA4 `purchase` event on the dataLayer
// (vitrine empties its cart and counts the event; the post-purchase survey
// listens for it), then an empty cart.
function checkout() {
  const status = document.getElementById('order-status');
  if (!cart.length) {
    status.textContent = 'Seu carrinho está vazio.';
    return;
  }
  const value = cart.reduce((sum, l) => sum + l.price * l.quantity, 0);
  const items = cart.map((l) => ({ item_id: l.id, item_name: l.name, item_category: l.category, price: l.price, quantity: l.quantity }));
  (window.dataLayer = window.dataLayer || []).push({ event: 'purchase', ecommerce: { transaction_id: `T${Date.now()}`, value, currency: 'BRL', items } });
  cart = [];
  renderCart();
  status.textContent = `Pedido confirmado: ${brl.format(value)}. Obrigado!`;
}

function wireVitrine() {
  const v = vitrine();
  // vitrine mirrors the shop's cart; the shop stays the source of truth.
  v.cart.set(cart.map(({ id, name, category, price, quantity }) => ({ id, name, category, price, quantity })));
  v.on('consent', () => {
    // Granting personalization mid-visit: hand vitrine the cart it may now see.
    v.cart.set(cart.map(({ id, name, category, price, quantity }) => ({ id, name, category, price, quantity })));
  });
}

document.addEventListener('click', (event) => {
  const target = event.target instanceof Element ? event.target : null;
  const add = target?.closest('[data-add]');
  if (add) return addToCart(add.getAttribute('data-add'));
  if (target?.closest('#checkout')) return checkout();
  const remove = target?.closest('[data-remove]');
  if (remove) return removeFromCart(remove.getAttribute('data-remove'));
  const filter = target?.closest('[data-filter]');
  if (filter) {
    for (const b of document.querySelectorAll('[data-filter]')) b.classList.toggle('is-active', b === filter);
    renderProducts(filter.getAttribute('data-filter'));
    // The grid was rebuilt: vitrine re-applies its changes to the new cards.
    vitrine()?.refresh();
  }
});

renderProducts();
renderCart();
if (window.vitrine) wireVitrine();
else document.addEventListener('vitrine:ready', wireVitrine, { once: true });
