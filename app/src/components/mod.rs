//! Components, named for what a person sees.
pub mod access_key_management;
pub mod access_key_note;
pub mod access_key_table;
pub mod confirm;
pub mod console_layout;
pub mod create_access_key;
pub mod create_user;
pub mod data_table;
pub mod delete_access_key;
pub mod dialog;
pub mod form_field;
pub mod page_error;
