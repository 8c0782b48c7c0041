//! Support for the generated model builders.

use crate::Error;

/// The error of a builder's `build` when a required property was not set.
pub fn missing_field(type_name: &str, field: &str) -> Error {
    Error::InvalidRequest(format!("`{type_name}` needs `{field}`, which was not set"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn names_the_type_and_the_field() {
        let error = super::missing_field("FuncVpc", "vpc_id");
        assert_eq!(error.to_string(), "invalid request: `FuncVpc` needs `vpc_id`, which was not set");
    }
}
