//! Where keyboard focus goes, so a person on a keyboard or a screen reader never lands on
//! `<body>`: into a dialog's first field when it opens and back to what opened it when it closes,
//! to the first invalid field after a refused submit, to a page's heading after navigation, and
//! along a menu's or tab list's items with the arrow keys. Browser-only: called from event
//! handlers and effects, which never run on the server.
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

/// What a dialog focuses first: a field to fill in, else its first action (never the × first).
const FIELDS: &str =
    "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";
const ACTIONS: &str = ".dialog-body button:not([disabled]), .dialog-body a[href]";

/// The element that has focus now, if it is one that can take it back later.
pub fn active_element() -> Option<HtmlElement> {
    leptos::prelude::document()
        .active_element()?
        .dyn_into::<HtmlElement>()
        .ok()
        .filter(|element| element.tag_name() != "BODY")
}

fn focus(element: &Element) {
    // Headings and other static elements take focus only with a tabindex; -1 keeps them out of
    // the Tab order.
    let focusable = matches!(
        element.tag_name().as_str(),
        "A" | "BUTTON" | "INPUT" | "SELECT" | "TEXTAREA"
    );
    if !focusable && !element.has_attribute("tabindex") {
        let _ = element.set_attribute("tabindex", "-1");
    }
    if let Some(element) = element.dyn_ref::<HtmlElement>() {
        let _ = element.focus();
    }
}

/// Focuses the first element under `root` that matches `selector`; false if there is none.
pub fn focus_first(root: &Element, selector: &str) -> bool {
    match root.query_selector(selector).ok().flatten() {
        Some(element) => {
            focus(&element);
            true
        }
        None => false,
    }
}

/// The skip link: straight to the page's content, past the top bar.
pub fn main_content() {
    if let Some(main) = leptos::prelude::document().get_element_by_id("main") {
        focus(&main);
    }
}

/// A dialog just opened: its first invalid field, else its first field, else its first action.
pub fn into_dialog(dialog: &Element) {
    let _ = focus_first(dialog, "[aria-invalid=true]")
        || focus_first(dialog, FIELDS)
        || focus_first(dialog, ACTIONS);
}

/// A dialog closed: back to what opened it, or, when that is gone (its row was deleted), to the
/// page's heading. What the dialog did may reload the list the opener sits in, replacing it; an
/// opener with an `id` is focused again by that id once the list has rendered.
/// `opened_at` is when the dialog opened ([`now`]).
pub fn restore(opener: Option<HtmlElement>, opened_at: f64) {
    match opener.filter(|opener| opener.is_connected()) {
        Some(opener) => {
            let _ = opener.focus();
            // Unless what the dialog did has already asked for focus elsewhere (a request from
            // before it opened is stale: the list it waited for never reloaded).
            let asked = PENDING.with(|pending| {
                pending
                    .borrow()
                    .as_ref()
                    .is_some_and(|(_, asked)| *asked >= opened_at)
            });
            if !opener.id().is_empty() && !asked {
                when_rendered(format!("#{}", opener.id()));
            }
        }
        None => page_heading(),
    }
}

fn main_heading() -> Option<Element> {
    leptos::prelude::document()
        .query_selector("main h1")
        .ok()
        .flatten()
}

/// Focuses the page's main heading (when what had focus is gone).
pub fn page_heading() {
    let target = main_heading().or_else(|| {
        leptos::prelude::document()
            .query_selector("main")
            .ok()
            .flatten()
    });
    if let Some(target) = target {
        focus(&target);
    }
}

/// Marks a heading as belonging to a page already shown, so [`new_page_heading`] can tell it from
/// the next page's.
const SHOWN: &str = "data-page-shown";

/// The first page: its heading belongs to a page already shown.
pub fn first_page_shown() {
    if let Some(heading) = main_heading() {
        let _ = heading.set_attribute(SHOWN, "");
    }
}

/// After navigation: the new page's heading, once it is there. A page may first fetch its code
/// (a lazy route) or its data while the page before stays shown, so this waits, frame by frame,
/// for a heading not yet shown (a page that keeps its heading gets it back at the deadline).
pub fn new_page_heading() {
    fn wait(deadline: f64) {
        after_render(move || match main_heading() {
            Some(heading) if !heading.has_attribute(SHOWN) => {
                let _ = heading.set_attribute(SHOWN, "");
                focus(&heading);
            }
            _ if now() > deadline => page_heading(),
            _ => wait(deadline),
        });
    }
    wait(now() + PENDING_FOR_MS);
}

/// After a refused submit: the first field marked invalid, in the open dialog if there is one.
pub fn first_invalid_on_page() {
    let document = leptos::prelude::document();
    let _ = document
        .query_selector("dialog[open] [aria-invalid=true]")
        .ok()
        .flatten()
        .or_else(|| {
            document
                .query_selector("[aria-invalid=true]")
                .ok()
                .flatten()
        })
        .map(|field| focus(&field));
}

/// Runs `then` once the browser has laid out what the reactive update just changed.
pub fn after_render(then: impl FnOnce() + 'static) {
    leptos::prelude::request_animation_frame(then);
}

/// How long a request for focus waits for its list to render again; past this it is stale (the
/// list did not reload) and must not take focus from what the person does next.
const PENDING_FOR_MS: f64 = 5_000.0;

/// The browser's clock, in milliseconds.
pub fn now() -> f64 {
    js_sys::Date::now()
}

thread_local! {
    static PENDING: std::cell::RefCell<Option<(String, f64)>> = const { std::cell::RefCell::new(None) };
}

/// Asks for focus on what `selector` matches once the list being reloaded has rendered again
/// (the row's button a person just used: a reload replaces it, and focus would fall to `<body>`).
pub fn when_rendered(selector: impl Into<String>) {
    let asked = now();
    PENDING.with(|pending| *pending.borrow_mut() = Some((selector.into(), asked)));
}

/// Called by a list's effect after it renders: focuses what [`when_rendered`] asked for, if it is
/// there. Once the browser has laid the rows out: the effect may run while the list being
/// replaced, whose button has the same id, is still in the page.
pub fn apply_pending() {
    after_render(|| {
        let Some((selector, asked)) = PENDING.with(|pending| pending.borrow_mut().take()) else {
            return;
        };
        if now() - asked > PENDING_FOR_MS {
            return;
        }
        let found = leptos::prelude::document()
            .document_element()
            .is_some_and(|root| focus_first(&root, &selector));
        if !found {
            page_heading();
        }
    });
}

/// A key that moves focus along a list of items (a menu, a tab list).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Next,
    Previous,
    First,
    Last,
}

impl Step {
    /// The step an arrow key (or Home/End) asks for; `vertical` for menus, else tab lists.
    pub fn from_key(key: &str, vertical: bool) -> Option<Self> {
        match (key, vertical) {
            ("ArrowDown", true) | ("ArrowRight", false) => Some(Self::Next),
            ("ArrowUp", true) | ("ArrowLeft", false) => Some(Self::Previous),
            ("Home", _) => Some(Self::First),
            ("End", _) => Some(Self::Last),
            _ => None,
        }
    }

    /// The position this step leads to from `current` among `count` items, wrapping around.
    pub fn from(self, current: Option<usize>, count: usize) -> Option<usize> {
        if count == 0 {
            return None;
        }
        Some(match (self, current) {
            (Self::First, _) | (Self::Next, None) => 0,
            (Self::Last, _) | (Self::Previous, None) => count - 1,
            (Self::Next, Some(at)) => (at + 1) % count,
            (Self::Previous, Some(at)) => (at + count - 1) % count,
        })
    }
}

/// Moves focus among the elements under `container` that match `items`; returns the position
/// focused.
pub fn step_among(container: &Element, items: &str, step: Step) -> Option<usize> {
    let list = container.query_selector_all(items).ok()?;
    let items: Vec<Element> = (0..list.length())
        .filter_map(|i| list.item(i)?.dyn_into::<Element>().ok())
        .collect();
    let active = leptos::prelude::document().active_element();
    let current = items.iter().position(|item| Some(item) == active.as_ref());
    let next = step.from(current, items.len())?;
    focus(&items[next]);
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::Step;

    #[test]
    fn arrow_keys_wrap_around_a_list() {
        assert_eq!(Step::from_key("ArrowDown", true), Some(Step::Next));
        assert_eq!(Step::from_key("ArrowDown", false), None);
        assert_eq!(Step::from_key("ArrowLeft", false), Some(Step::Previous));
        assert_eq!(Step::Next.from(Some(2), 3), Some(0));
        assert_eq!(Step::Previous.from(Some(0), 3), Some(2));
        assert_eq!(Step::Next.from(None, 3), Some(0));
        assert_eq!(Step::Previous.from(None, 3), Some(2));
        assert_eq!(Step::Last.from(Some(0), 3), Some(2));
        assert_eq!(Step::First.from(None, 0), None);
    }
}
