use leptos::prelude::*;

/// A console table: a header row of column names, and the rows the caller renders. It scrolls
/// sideways inside its own box when the screen is narrower than its columns.
#[component]
pub fn DataTable(
    columns: &'static [&'static str],
    /// What the table lists, for screen readers (a scrollable region needs a name).
    #[prop(optional)]
    label: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" aria-label=if label.is_empty() { "Table" } else { label } tabindex="0">
            <table class="data-table">
                <thead>
                    <tr>{columns.iter().map(|name| view! { <th scope="col">{*name}</th> }).collect_view()}</tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
