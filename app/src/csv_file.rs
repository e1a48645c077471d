//! The `AccessKey.csv` that **Download CSV File** saves, written by the `csv` crate.

pub const FILE_NAME: &str = "AccessKey.csv";

pub fn access_key_csv(access_key_id: &str, access_key_secret: &str) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // Writing two records into memory cannot fail.
    writer
        .write_record(["AccessKey ID", "AccessKey Secret"])
        .expect("in-memory write");
    writer
        .write_record([access_key_id, access_key_secret])
        .expect("in-memory write");
    String::from_utf8(writer.into_inner().expect("in-memory flush"))
        .expect("csv of UTF-8 input is UTF-8")
}

/// What **Copy** puts on the clipboard.
pub fn access_key_clipboard_text(access_key_id: &str, access_key_secret: &str) -> String {
    format!("AccessKey ID: {access_key_id}\nAccessKey Secret: {access_key_secret}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_has_the_header_and_one_row() {
        let csv = access_key_csv("LTAI0123456789abcdefABCD", "s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t");
        assert_eq!(
            csv,
            "AccessKey ID,AccessKey Secret\nLTAI0123456789abcdefABCD,s3cr3tS3CR3Ts3cr3tS3CR3Ts3cr3t\n"
        );
    }

    #[test]
    fn csv_quotes_fields_by_the_csv_rules() {
        let csv = access_key_csv("id,1", "a\"b");
        assert_eq!(csv.lines().nth(1), Some("\"id,1\",\"a\"\"b\""));
    }

    #[test]
    fn clipboard_text_is_two_labelled_lines() {
        assert_eq!(
            access_key_clipboard_text("ID", "SECRET"),
            "AccessKey ID: ID\nAccessKey Secret: SECRET"
        );
    }
}
