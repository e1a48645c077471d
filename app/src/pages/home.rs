use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{lazy_route, LazyRoute};

use crate::components::console_layout::AccessKeyNote;
use crate::model::Identity;

/// The console's landing page (a lazy route, like every page but the frame around it).
pub struct HomePage;

#[lazy_route]
impl LazyRoute for HomePage {
    fn data() -> Self {
        Self
    }

    fn view(_this: Self) -> AnyView {
        view! { <Overview/> }.into_any()
    }
}

#[component]
fn Overview() -> impl IntoView {
    let AccessKeyNote(note_open) = expect_context::<AccessKeyNote>();
    let identity = expect_context::<Identity>();
    view! {
        <Title text="Overview"/>
        <h1>"Overview"</h1>
        <div class="cards">
            <section class="card">
                <h2>"AccessKey pairs"</h2>
                <p>"Programs sign their API calls with an AccessKey pair. Create, disable and delete them here."</p>
                {if identity.is_owner {
                    view! {
                        <button type="button" class="button primary" on:click=move |_| note_open.set(true)>
                            "AccessKey Management"
                        </button>
                    }
                    .into_any()
                } else {
                    view! { <a class="button primary" href="/access-keys">"AccessKey Management"</a> }.into_any()
                }}
            </section>
            {identity.can_view_users.then(|| view! {
                <section class="card">
                    <h2>"RAM users"</h2>
                    <p>"Give each application its own RAM user, with only the permissions it needs."</p>
                    <a class="button" href="/ram/users">"Go to Users"</a>
                </section>
            })}
        </div>
    }
}
