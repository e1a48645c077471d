use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::console_layout::AccessKeyNote;

#[component]
pub fn HomePage() -> impl IntoView {
    let AccessKeyNote(note_open) = expect_context::<AccessKeyNote>();
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <div class="cards">
            <section class="card">
                <h2>"AccessKey pairs"</h2>
                <p>"Programs sign their API calls with an AccessKey pair. Create, disable and delete them here."</p>
                <button type="button" class="button primary" on:click=move |_| note_open.set(true)>
                    "AccessKey Management"
                </button>
            </section>
            <section class="card">
                <h2>"RAM users"</h2>
                <p>"Give each application its own RAM user, with only the permissions it needs."</p>
                <a class="button" href="/ram/users">"Go to Users"</a>
            </section>
        </div>
    }
}
