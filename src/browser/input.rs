//! What the adapters (collectors, CMP bridges, the dataLayer hook, the DOM
//! watcher) report, and the sink they report it to. An adapter holds a `Sink` and
//! never names the shell (as ripgrep's searcher reports into a `Sink`): data flows
//! one way, page → adapter → `Input` → shell → engine. The shell's sink never drops
//! an input: one that arrives while the shell is busy (vitrine's own `dataLayer`
//! push, a CMP answering synchronously during start) waits in the inbox and is
//! handled before the shell returns to the page.

use std::rc::Rc;

use crate::engine::signal::Signal;
use crate::engine::Value;

pub enum Input {
    /// A signal for the engine (scroll, exit intent, a cart event).
    Signal(Signal),
    /// Something the page can live with went wrong in an adapter.
    Warning(String),
    /// `dataLayer.push` was called: read the entries not read yet.
    DataLayer,
    /// TCF data from the CMP's `__tcfapi` listener.
    Tcf(Value),
    /// The URL changed without a load (pushState, replaceState, popstate, hashchange).
    Navigated,
    /// The page changed the DOM (not vitrine): re-apply to re-rendered targets.
    PageChanged,
    /// An animation frame after the page changed the DOM, before it is painted:
    /// apply to elements the selectors match now (late content, new routes).
    NewContent,
}

pub type Sink = Rc<dyn Fn(Input)>;
