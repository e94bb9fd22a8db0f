//! Reusable halo2 chips for equivm.
//!
//! Every chip follows one shape, so that the unified EVM circuit's constraint builder can use
//! it under a condition:
//!
//! - `configure(meta, q_enable, inputs.., columns..)` registers the chip's gates and lookups,
//!   each multiplied by `q_enable`, reads its inputs as expressions, takes the advice columns
//!   that hold its witness cells from the caller (so callers decide how columns are shared),
//!   and returns a config that exposes the chip's outputs as expressions;
//! - `assign(region, offset, inputs..)` fills those witness cells from the same inputs and
//!   returns the native value of the outputs;
//! - fixed tables are loaded by `load(layouter)` on their own config ([`ByteTable`]).
//!
//! All witness cells sit on the row of `q_enable` (`Rotation::cur()`). Chips that look up the
//! byte table need `q_enable` to be free of *simple* selectors (halo2 forbids them in lookup
//! inputs): use a complex selector or a fixed column.
//!
//! | module | chip | what it constrains |
//! | --- | --- | --- |
//! | [`is_zero`] | [`IsZeroConfig`] | `is_zero = (value == 0)` |
//! | [`is_equal`] | [`IsEqualConfig`] | `is_equal = (lhs == rhs)` |
//! | [`byte_table`] | [`ByteTable`] | a fixed table of `0..=255` |
//! | [`range`] | [`ByteDecompositionConfig`] | `value = Σ byte_i·256^i`, every byte in the table |
//! | [`less_than`] | [`LessThanConfig`] | `lt = (lhs < rhs)` for `N`-byte operands |
//! | [`word`] | [`Word`], [`WordBytesConfig`] | a 256-bit word as two 128-bit limbs, and its 32 bytes |
//! | [`word_add`] | [`WordAddConfig`], [`WordSubConfig`] | `a + b = c mod 2^256` with overflow, `a - b = c` with borrow |
//! | [`selector`] | [`OneHotSelectorConfig`], [`BinarySelectorConfig`] | exactly one execution state is active |

pub mod byte_table;
pub mod is_equal;
pub mod is_zero;
pub mod less_than;
pub mod range;
pub mod selector;
pub mod util;
pub mod word;
pub mod word_add;

#[cfg(test)]
pub(crate) mod test_util;

pub use byte_table::ByteTable;
pub use is_equal::IsEqualConfig;
pub use is_zero::IsZeroConfig;
pub use less_than::LessThanConfig;
pub use range::ByteDecompositionConfig;
pub use selector::{BinarySelectorConfig, OneHotSelectorConfig};
pub use word::{Word, WordBytesConfig};
pub use word_add::{WordAddConfig, WordSubConfig};
