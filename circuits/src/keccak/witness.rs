//! The values of every block: the native computation whose intermediate values the
//! assignment writes into cells.

use super::native::{
    chi_inverse, pad, round, squeeze, RoundTrace, NUM_ROUNDS, RATE, ROUND_CONSTANTS,
};
use crate::table::b256_word;
use equivm_gadgets::Word;
use equivm_trace::revm::primitives::B256;

/// One absorbed block and the permutation that follows it.
#[derive(Clone, Debug)]
pub(crate) struct BlockWitness {
    /// The block's 136 bytes, data then padding.
    pub bytes: [u8; RATE],
    /// How many of `bytes` are input data.
    pub data_len: usize,
    /// Index of the block's first byte in its input.
    pub first_index: usize,
    /// Whether the block starts an input.
    pub first: bool,
    /// Whether the table's length row of this block is switched on (the block ends a
    /// real input; dummy blocks leave it off).
    pub length_row: bool,
    /// keccak256 of the block's input, as the table's hash word.
    pub hash: Word<u128>,
    /// Lane 0 of the previous slot's output, iota included (`S00` of the absorption slot).
    pub absorb_s00: u64,
    /// `(1 - First) ·` the previous block's output state.
    pub prev: [u64; 25],
    /// `chi^-1` of the absorbed state.
    pub absorb_b: [u64; 25],
    /// Lane 0 of each round's input state.
    pub round_s00: [u64; NUM_ROUNDS],
    /// What each round stores.
    pub rounds: Vec<RoundTrace>,
    /// The state after the permutation.
    pub output: [u64; 25],
}

/// The blocks of `inputs` in order, then dummy blocks (the empty input, without its
/// length row) up to `total` blocks.
pub(crate) fn blocks(inputs: &[impl AsRef<[u8]>], total: usize) -> Vec<BlockWitness> {
    let mut out: Vec<BlockWitness> = Vec::with_capacity(total);
    let real = inputs.iter().map(|i| (i.as_ref(), true));
    let dummies = std::iter::repeat((&[][..], false));
    for (input, length_row) in real.chain(dummies) {
        if out.len() >= total {
            break;
        }
        let padded = pad(input);
        let mut state = [0u64; 25];
        let nblocks = padded.len() / RATE;
        let mut input_blocks = Vec::with_capacity(nblocks);
        for (i, chunk) in padded.chunks(RATE).enumerate() {
            // The previous slot's output: the last block's, or the lead slot's (all zero).
            let previous = input_blocks.last().or(out.last()).map(|b| b.output);
            let absorb_s00 = previous.map_or(ROUND_CONSTANTS[NUM_ROUNDS - 1], |s| s[0]);
            let prev = state;
            for (l, bytes) in chunk.chunks(8).enumerate() {
                state[l] ^= u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
            }
            let absorb_b = chi_inverse(&state);
            let mut round_s00 = [0u64; NUM_ROUNDS];
            let mut rounds = Vec::with_capacity(NUM_ROUNDS);
            for (r, s00) in round_s00.iter_mut().enumerate() {
                *s00 = state[0];
                rounds.push(round(&mut state, r));
            }
            input_blocks.push(BlockWitness {
                bytes: chunk.try_into().expect("a block"),
                data_len: input.len().saturating_sub(i * RATE).min(RATE),
                first_index: i * RATE,
                first: i == 0,
                length_row,
                hash: Word::new(0, 0),
                absorb_s00,
                prev,
                absorb_b,
                round_s00,
                rounds,
                output: state,
            });
        }
        let hash = b256_word(B256::from(squeeze(&state)));
        for mut block in input_blocks {
            block.hash = hash;
            out.push(block);
        }
    }
    out.truncate(total);
    out
}
