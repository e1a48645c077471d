use leptos::prelude::*;

/// A labelled input with its validation message underneath.
#[component]
pub fn FormField(
    label: &'static str,
    id: &'static str,
    name: &'static str,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "")] autocomplete: &'static str,
    #[prop(default = "")] hint: &'static str,
    /// May be left empty.
    #[prop(optional)]
    optional: bool,
    #[prop(optional)] disabled: bool,
    /// The value the field starts with.
    #[prop(optional, into)]
    value: String,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    // Screen readers read the hint and the error with the field.
    let described_by = if hint.is_empty() {
        error_id.clone()
    } else {
        format!("{hint_id} {error_id}")
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id>{label}</label>
            <input
                id=id
                name=name
                type=input_type
                // The attribute for the server's HTML; the property so that a form re-rendered
                // with a new value (a save's normalised one) shows it, not what was typed before.
                value=value.clone()
                prop:value=value
                autocomplete=autocomplete
                required=!optional
                disabled=disabled
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby=described_by
            />
            {(!hint.is_empty()).then(|| view! { <p class="field-hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id role="alert">
                {move || error.get()}
            </p>
        </div>
    }
}
