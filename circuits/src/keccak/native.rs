//! Native `keccak-f[1600]` and sponge, recording every intermediate value the circuit
//! stores, so that the assignment fills cells from the same computation the constraints
//! describe.
//!
//! State lanes are `u64`s indexed `x + 5y`; bit `z` of a lane is bit `z` of the `u64` (the
//! little-endian lane of the Keccak reference).

/// Bytes absorbed per block (the rate of keccak256: 1088 bits).
pub const RATE: usize = 136;
/// Lanes the rate covers.
pub const RATE_LANES: usize = RATE / 8;
/// Rounds of `keccak-f[1600]`.
pub const NUM_ROUNDS: usize = 24;

/// Iota's round constants.
pub const ROUND_CONSTANTS: [u64; NUM_ROUNDS] = [
    0x0000_0000_0000_0001,
    0x0000_0000_0000_8082,
    0x8000_0000_0000_808A,
    0x8000_0000_8000_8000,
    0x0000_0000_0000_808B,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8009,
    0x0000_0000_0000_008A,
    0x0000_0000_0000_0088,
    0x0000_0000_8000_8009,
    0x0000_0000_8000_000A,
    0x0000_0000_8000_808B,
    0x8000_0000_0000_008B,
    0x8000_0000_0000_8089,
    0x8000_0000_0000_8003,
    0x8000_0000_0000_8002,
    0x8000_0000_0000_0080,
    0x0000_0000_0000_800A,
    0x8000_0000_8000_000A,
    0x8000_0000_8000_8081,
    0x8000_0000_0000_8080,
    0x0000_0000_8000_0001,
    0x8000_0000_8000_8008,
];

/// The only bit positions where a round constant can be 1.
pub const ROUND_CONSTANT_BITS: [usize; 7] = [0, 1, 3, 7, 15, 31, 63];

/// Rho's rotation of lane `(x, y)`, as `RHO[x][y]`.
pub const RHO: [[u32; 5]; 5] = [
    [0, 36, 3, 41, 18],
    [1, 44, 10, 45, 2],
    [62, 6, 43, 15, 61],
    [28, 55, 25, 21, 56],
    [27, 20, 39, 8, 14],
];

/// Lane index of `(x, y)`.
pub const fn lane(x: usize, y: usize) -> usize {
    x + 5 * y
}

/// Pi's destination of lane `(x, y)`: `(y, 2x + 3y)`.
pub const fn pi(x: usize, y: usize) -> (usize, usize) {
    (y, (2 * x + 3 * y) % 5)
}

/// Chi of one five-lane row, bitwise: `a[x] ^ (!a[x+1] & a[x+2])`.
fn chi_row(row: [u64; 5]) -> [u64; 5] {
    std::array::from_fn(|x| row[x] ^ (!row[(x + 1) % 5] & row[(x + 2) % 5]))
}

/// Chi over the state.
pub fn chi(b: &[u64; 25]) -> [u64; 25] {
    let mut out = [0; 25];
    for y in 0..5 {
        let row = chi_row(std::array::from_fn(|x| b[lane(x, y)]));
        for x in 0..5 {
            out[lane(x, y)] = row[x];
        }
    }
    out
}

/// The inverse of [`chi`] (chi is a permutation of each 5-bit row slice).
pub fn chi_inverse(s: &[u64; 25]) -> [u64; 25] {
    // Inverse of chi on 5-bit values, by search over the 32 inputs.
    let chi5 = |v: u8| -> u8 {
        (0..5).fold(0, |acc, x| {
            let bit = |i: usize| (v >> (i % 5)) & 1;
            acc | ((bit(x) ^ ((1 ^ bit(x + 1)) & bit(x + 2))) << x)
        })
    };
    let mut inverse = [0u8; 32];
    for v in 0..32u8 {
        inverse[chi5(v) as usize] = v;
    }
    let mut out = [0u64; 25];
    for y in 0..5 {
        for z in 0..64 {
            let v = (0..5).fold(0u8, |acc, x| {
                acc | ((((s[lane(x, y)] >> z) & 1) as u8) << x)
            });
            let u = inverse[v as usize];
            for x in 0..5 {
                out[lane(x, y)] |= u64::from((u >> x) & 1) << z;
            }
        }
    }
    out
}

/// What one round stores: theta's column parities (and the carries that bound their
/// sums), theta's `D`, and the state after theta, rho and pi (chi's input).
#[derive(Clone, Debug)]
pub struct RoundTrace {
    /// Column parity `C[x]` of the round's input state.
    pub parity: [u64; 5],
    /// `(sum_y S[x][y][z] - C[x][z]) / 2`, in `0..=2`, as `carry[x][z]`.
    pub carry: [[u8; 64]; 5],
    /// `D[x] = C[x-1] ^ rot(C[x+1], 1)`.
    pub d: [u64; 5],
    /// The state after theta, rho and pi, indexed by destination lane.
    pub b: [u64; 25],
}

/// Applies round `round` to `state` and returns what the circuit stores for it.
pub fn round(state: &mut [u64; 25], round: usize) -> RoundTrace {
    let mut trace = RoundTrace {
        parity: [0; 5],
        carry: [[0; 64]; 5],
        d: [0; 5],
        b: [0; 25],
    };
    for x in 0..5 {
        trace.parity[x] = (0..5).fold(0, |acc, y| acc ^ state[lane(x, y)]);
        for z in 0..64 {
            let sum: u8 = (0..5).map(|y| ((state[lane(x, y)] >> z) & 1) as u8).sum();
            trace.carry[x][z] = sum / 2;
        }
    }
    for x in 0..5 {
        trace.d[x] = trace.parity[(x + 4) % 5] ^ trace.parity[(x + 1) % 5].rotate_left(1);
    }
    for x in 0..5 {
        for y in 0..5 {
            let (bx, by) = pi(x, y);
            trace.b[lane(bx, by)] = (state[lane(x, y)] ^ trace.d[x]).rotate_left(RHO[x][y]);
        }
    }
    *state = chi(&trace.b);
    state[0] ^= ROUND_CONSTANTS[round];
    trace
}

/// `keccak-f[1600]` applied to `state`, with the trace of every round.
pub fn permute(state: &mut [u64; 25]) -> Vec<RoundTrace> {
    (0..NUM_ROUNDS).map(|r| round(state, r)).collect()
}

/// The input padded to whole blocks with Ethereum's keccak padding (0x01 after the data,
/// 0x80 in the block's last byte, 0x81 when they meet).
pub fn pad(input: &[u8]) -> Vec<u8> {
    let blocks = input.len() / RATE + 1;
    let mut padded = input.to_vec();
    padded.resize(blocks * RATE, 0);
    padded[input.len()] ^= 0x01;
    padded[blocks * RATE - 1] ^= 0x80;
    padded
}

/// The 32-byte output of the sponge's squeeze (state bytes `0..32`).
pub fn squeeze(state: &[u64; 25]) -> [u8; 32] {
    std::array::from_fn(|j| (state[j / 8] >> (8 * (j % 8))) as u8)
}

/// keccak256 of `input` computed by this module.
pub fn keccak256(input: &[u8]) -> [u8; 32] {
    let mut state = [0u64; 25];
    for block in pad(input).chunks(RATE) {
        for (l, bytes) in block.chunks(8).enumerate() {
            state[l] ^= u64::from_le_bytes(bytes.try_into().expect("8 bytes"));
        }
        permute(&mut state);
    }
    squeeze(&state)
}
