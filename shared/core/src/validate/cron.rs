//! Cron expressions of schedule triggers, with messages that name the field that is
//! wrong and its bounds (the parser's own message says less).

/// The five fields, in order: name, what its values are, bounds.
const FIELDS: [(&str, &str, u32, u32); 5] = [
    ("minute", "minutes", 0, 59),
    ("hour", "hours", 0, 23),
    ("day of month", "days of the month", 1, 31),
    ("month", "months", 1, 12),
    ("day of week", "days of the week (0 and 7 are Sunday)", 0, 7),
];

const SHAPE: &str =
    "five fields: minute hour day-of-month month day-of-week, e.g. '0 9 * * MON-FRI'";

/// `None` when `cron` is a valid expression; otherwise what is wrong with it.
pub(crate) fn check(cron: &str) -> Option<String> {
    let parsed = croner::Cron::new(cron).parse();
    if parsed.is_ok() {
        return None;
    }
    let fields: Vec<&str> = cron.split_whitespace().collect();
    if fields.len() != FIELDS.len() {
        return Some(format!(
            "'{cron}' has {} field{}; a cron expression has {SHAPE}",
            fields.len(),
            if fields.len() == 1 { "" } else { "s" }
        ));
    }
    let error = parsed.err()?;
    for (field, (name, values, low, high)) in fields.iter().zip(FIELDS) {
        let out_of_range = values_in(field).find(|n| *n < low || *n > high);
        if let Some(n) = out_of_range {
            return Some(format!(
                "'{cron}': the {name} field '{field}' holds {n}, out of range: {values} go from {low} to {high}"
            ));
        }
    }
    Some(format!(
        "'{cron}' is not a valid cron expression ({SHAPE}): {error}"
    ))
}

/// The numbers in a field that are values of it (`5-10/15` holds 5 and 10; 15 is a
/// step, not a value).
fn values_in(field: &str) -> impl Iterator<Item = u32> + '_ {
    let mut values = Vec::new();
    let mut number = String::new();
    let mut is_step = false;
    for c in field.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        if !number.is_empty() && !is_step {
            values.extend(number.parse::<u32>().ok());
        }
        number.clear();
        is_step = c == '/';
    }
    values.into_iter()
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn messages_name_the_field_and_its_bounds() {
        assert_eq!(check("0 9 * * MON-FRI"), None);
        assert_eq!(check("*/15 0-23/2 1 JAN *"), None);
        assert_eq!(check("@daily"), None);
        let hour = check("0 25 * * *").unwrap();
        assert!(
            hour.contains("the hour field '25' holds 25, out of range: hours go from 0 to 23"),
            "{hour}"
        );
        let month = check("0 9 1 13 *").unwrap();
        assert!(
            month.contains("month field '13'") && month.contains("from 1 to 12"),
            "{month}"
        );
        let range = check("0 9 * * 1-9").unwrap();
        assert!(
            range.contains("day of week field '1-9' holds 9") && range.contains("0 to 7"),
            "{range}"
        );
        let fields = check("0 9 * *").unwrap();
        assert!(
            fields.contains("has 4 fields") && fields.contains("five fields"),
            "{fields}"
        );
        let other = check("0 9 * * FUNDAY").unwrap();
        assert!(other.contains("not a valid cron expression"), "{other}");
    }
}
