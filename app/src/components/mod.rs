//! Components, named for what a person sees.
pub mod access_key_note;
pub mod access_key_table;
pub mod console_layout;
pub mod create_access_key;
pub mod delete_access_key;
pub mod dialog;
pub mod form_field;
