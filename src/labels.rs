//! The one definition of the label set: Graham's levels DH0..DH6 plus `ND`, their order,
//! names and the coarse bands moderators use.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A reply's place on Graham's disagreement hierarchy, or `ND` for "not a disagreement".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Label {
    DH0,
    DH1,
    DH2,
    DH3,
    DH4,
    DH5,
    DH6,
    ND,
}

/// The coarse view: what a moderator needs at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Band {
    /// DH0-DH2: name-calling, ad hominem, tone.
    Hostile,
    /// DH3: bare contradiction.
    Contradiction,
    /// DH4-DH6: counterargument, refutation, refuting the central point.
    Argued,
    /// Not a disagreement.
    None,
}

impl Label {
    /// Every label in model output order. Models must list their labels in this order.
    pub const ALL: [Label; 8] = [
        Label::DH0,
        Label::DH1,
        Label::DH2,
        Label::DH3,
        Label::DH4,
        Label::DH5,
        Label::DH6,
        Label::ND,
    ];
    pub const COUNT: usize = Self::ALL.len();

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn from_index(index: usize) -> Option<Label> {
        Self::ALL.get(index).copied()
    }

    pub fn code(self) -> &'static str {
        match self {
            Label::DH0 => "DH0",
            Label::DH1 => "DH1",
            Label::DH2 => "DH2",
            Label::DH3 => "DH3",
            Label::DH4 => "DH4",
            Label::DH5 => "DH5",
            Label::DH6 => "DH6",
            Label::ND => "ND",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Label::DH0 => "name-calling",
            Label::DH1 => "ad hominem",
            Label::DH2 => "responding to tone",
            Label::DH3 => "contradiction",
            Label::DH4 => "counterargument",
            Label::DH5 => "refutation",
            Label::DH6 => "refuting the central point",
            Label::ND => "not a disagreement",
        }
    }

    /// The numeric level 0..=6, or `None` for `ND`.
    pub fn level(self) -> Option<u8> {
        match self {
            Label::ND => None,
            other => Some(other as u8),
        }
    }

    pub fn band(self) -> Band {
        match self {
            Label::DH0 | Label::DH1 | Label::DH2 => Band::Hostile,
            Label::DH3 => Band::Contradiction,
            Label::DH4 | Label::DH5 | Label::DH6 => Band::Argued,
            Label::ND => Band::None,
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown label '{0}': expected one of DH0, DH1, DH2, DH3, DH4, DH5, DH6, ND")]
pub struct UnknownLabel(pub String);

impl FromStr for Label {
    type Err = UnknownLabel;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let wanted = s.trim();
        Label::ALL
            .into_iter()
            .find(|label| label.code().eq_ignore_ascii_case(wanted))
            .ok_or_else(|| UnknownLabel(s.to_string()))
    }
}

impl Band {
    pub const ALL: [Band; 4] = [Band::Hostile, Band::Contradiction, Band::Argued, Band::None];

    pub fn name(self) -> &'static str {
        match self {
            Band::Hostile => "hostile",
            Band::Contradiction => "contradiction",
            Band::Argued => "argued",
            Band::None => "none",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_round_trips_in_model_order() {
        for (i, label) in Label::ALL.iter().enumerate() {
            assert_eq!(label.index(), i);
            assert_eq!(Label::from_index(i), Some(*label));
        }
        assert_eq!(Label::from_index(8), None);
    }

    #[test]
    fn parses_codes_case_insensitively_and_rejects_others() {
        assert_eq!("dh4".parse::<Label>(), Ok(Label::DH4));
        assert_eq!(" ND ".parse::<Label>(), Ok(Label::ND));
        assert!("DH7".parse::<Label>().is_err());
        assert!("".parse::<Label>().is_err());
    }

    #[test]
    fn bands_follow_the_guide() {
        assert_eq!(Label::DH2.band(), Band::Hostile);
        assert_eq!(Label::DH3.band(), Band::Contradiction);
        assert_eq!(Label::DH4.band(), Band::Argued);
        assert_eq!(Label::ND.band(), Band::None);
        assert_eq!(Label::ND.level(), None);
        assert_eq!(Label::DH6.level(), Some(6));
    }
}
