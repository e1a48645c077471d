//! Accounts and signing in. Every rule about them lives here: what an account and a logon name
//! look like ([`account`]), how a sign-in is decided ([`sign_in`]), how passwords are kept
//! ([`password`]), how guessing is slowed down ([`throttle`]) and which sign-ins still count
//! ([`sessions`]).
pub mod account;
pub mod password;
pub mod sessions;
pub mod sign_in;
pub mod throttle;

pub use account::{
    create_account, find_account, find_account_by_alias, parse_ram_logon_name, ram_logon_name,
    set_up_first_account, setup_needed, validate_alias, validate_email, validate_mobile_phone,
    validate_password, NewAccount, RAM_LOGON_SUFFIX,
};
pub use password::hash_password;
pub use sign_in::{sign_in, SignIn};
pub use throttle::SignInThrottle;
