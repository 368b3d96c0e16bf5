//! YAML mistakes that parse without an error but lose what the author wrote: a comma inside a
//! `[...]` list item that splits it in two, and feedback keys (`true:`, an option's text) that
//! slipped out from under `feedback:` to the question's own level.

use serde_yaml::Value;

use super::item::{scalar_text, Item};

/// Does `text` look like half of an item a comma split: an odd number of `"`, or a `'` at
/// one end that has no partner?
pub fn unbalanced_quote(text: &str) -> Option<char> {
    let t = text.trim();
    if t.matches('"').count() % 2 == 1 {
        return Some('"');
    }
    let lone_single = t.matches('\'').count() % 2 == 1;
    (lone_single && (t.starts_with('\'') != t.ends_with('\''))).then_some('\'')
}

impl Item<'_> {
    /// A warning for each element of the list `key` with an unbalanced quote; two neighbours that
    /// were probably one element are reported once, together.
    pub(super) fn quote_warnings(&mut self, key: &str, what: &str, items: &[String]) {
        // Only a `[...]` list splits at commas; a block list keeps each line whole.
        if !self.is_flow_list(key) {
            return;
        }
        let mut j = 0;
        while j < items.len() {
            let item = &items[j];
            let Some(q) = unbalanced_quote(item) else {
                j += 1;
                continue;
            };
            let earlier = items[..j].iter().filter(|s| *s == item).count();
            let pos = self.element_pos(key, j, item, earlier);
            let next = items.get(j + 1).filter(|n| unbalanced_quote(n) == Some(q));
            let msg = match next {
                Some(n) => format!(
                    "{what}s `{}` and `{}` have unbalanced {q}: the comma in `{}, {}` split one {what} into two",
                    item.trim(),
                    n.trim(),
                    item.trim(),
                    n.trim()
                ),
                None => format!(
                    "{what} `{}` has an unbalanced {q}: was a comma inside it read as a separator?",
                    item.trim()
                ),
            };
            let example = match next {
                Some(n) => format!("{}, {}", item.trim(), n.trim()),
                None => item.trim().to_string(),
            };
            let (quote, name) = if q == '"' { ('\'', "single") } else { ('"', "double") };
            let help = format!(
                "inside `[...]` a comma separates {what}s: put the whole {what} in {name} quotes \
                 (`{quote}{example}{quote}`), or write the list one `- {what}` per line"
            );
            self.warn(pos, item.chars().count(), msg, Some(help));
            j += if next.is_some() { 2 } else { 1 };
        }
    }

    /// Is the value of `key` written as a `[...]` list on the key's line?
    fn is_flow_list(&self, key: &str) -> bool {
        let fm = &self.page().front;
        let (line, _) = self.key_pos(key);
        let text = fm.yaml.lines().nth(line.saturating_sub(fm.first_line)).unwrap_or_default();
        let after_key = text.trim_start().trim_start_matches("- ").trim_start();
        after_key
            .strip_prefix(key)
            .and_then(|rest| rest.trim_start().strip_prefix(':'))
            .is_some_and(|value| value.trim_start().starts_with('['))
    }

    /// Feedback that slipped out from under `feedback:`: a question-level key that is `true`,
    /// `false` or the text of an option. Reported as an error saying what was lost; returns
    /// whether `key` was such a key.
    pub(super) fn misplaced_feedback(&mut self, key: &str, pos: (usize, usize)) -> bool {
        let options: Vec<String> = match self.get("options") {
            Some(Value::Sequence(items)) => {
                items.iter().filter_map(scalar_text).map(|s| s.trim().to_string()).collect()
            }
            _ => Vec::new(),
        };
        let is_answer_key = matches!(key, "true" | "false") || options.iter().any(|o| o == key.trim());
        if !is_answer_key {
            return false;
        }
        let help = if self.get("feedback").is_some() {
            "indent it under `feedback:`, two spaces further in than `feedback:` itself".to_string()
        } else {
            format!("put it under a `feedback:` field: `feedback:` on its own line, then `  {key}: ...` below it")
        };
        let msg =
            format!("feedback for `{key}` was not attached: it is a field of the question, not of its `feedback:`");
        self.error(pos, key.chars().count(), msg, Some(help));
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_halves_of_a_split_item() {
        assert_eq!(unbalanced_quote("The client says \"yes"), Some('"'));
        assert_eq!(unbalanced_quote("exactly\""), Some('"'));
        assert_eq!(unbalanced_quote("exactly'"), Some('\''));
        assert_eq!(unbalanced_quote("She said \"no\" twice"), None);
        assert_eq!(unbalanced_quote("the clients' view"), None);
        assert_eq!(unbalanced_quote("it's fine"), None);
        assert_eq!(unbalanced_quote("'Let's go,' she said'"), None);
    }
}
