use leptos::prelude::*;

/// A console table: a header row of column names, and the rows the caller renders.
#[component]
pub fn DataTable(columns: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <table class="data-table">
            <thead>
                <tr>{columns.iter().map(|name| view! { <th scope="col">{*name}</th> }).collect_view()}</tr>
            </thead>
            <tbody>{children()}</tbody>
        </table>
    }
}
