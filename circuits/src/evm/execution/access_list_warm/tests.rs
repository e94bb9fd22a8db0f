use super::super::test_util::*;
use crate::evm::assign::Override;
use equivm_trace::{
    program::{Program, CONTRACT},
    revm::primitives::{Address, U256},
};
use equivm_witness::{ExecutionState, Witness};
use halo2curves::bn256::Fr;

/// An account only the access list names.
const OTHER: Address = Address::repeat_byte(0xee);

/// SLOAD of slot 1, BALANCE of `OTHER`, STOP.
fn code() -> Vec<u8> {
    let mut code = vec![0x60, 1, 0x54, 0x73];
    code.extend_from_slice(OTHER.as_slice());
    code.extend_from_slice(&[0x31, 0x00]);
    code
}

fn witness(list: Vec<(Address, Vec<u64>)>) -> Witness {
    let list = list
        .into_iter()
        .map(|(a, keys)| (a, keys.into_iter().map(U256::from).collect()))
        .collect();
    let traced = Program::new(code()).access_list(list).trace();
    equivm_witness::build_witness(&traced.trace).expect("witness builds")
}

/// The list the tests use: six items (three addresses, one of them twice, and three keys).
fn list() -> Vec<(Address, Vec<u64>)> {
    vec![(CONTRACT, vec![1]), (OTHER, vec![]), (CONTRACT, vec![2, 3])]
}

fn states(w: &Witness) -> Vec<ExecutionState> {
    w.steps.iter().map(|s| s.execution_state).collect()
}

#[test]
fn the_chain_cell_sits_alike_in_begin_tx_and_the_items() {
    let g = config().gadgets;
    assert_eq!(
        g.begin_tx.chain.items.column,
        g.access_list_warm.chain.items.column
    );
    assert_eq!(
        g.begin_tx.chain.items.rotation,
        g.access_list_warm.chain.items.rotation
    );
}

#[test]
fn an_access_list_warms_its_items_and_passes() {
    let w = witness(list());
    use ExecutionState::*;
    assert_eq!(
        &states(&w)[..8],
        &[
            BeginTx,
            AccessListWarm,
            AccessListWarm,
            AccessListWarm,
            AccessListWarm,
            AccessListWarm,
            AccessListWarm,
            Push
        ]
    );
    // The listed slot and account are warm: SLOAD and BALANCE cost 100 each.
    let sload = nth_step(&w, Sload, 0);
    assert_eq!(w.steps[sload].gas_left - w.steps[sload + 1].gas_left, 100);
    let balance = nth_step(&w, Balance, 0);
    assert_eq!(
        w.steps[balance].gas_left - w.steps[balance + 1].gas_left,
        100
    );
    assert_eq!(verify(&whole(&w), vec![]), Ok(()));
}

#[test]
fn lists_of_addresses_only_and_of_one_key_pass() {
    for list in [vec![(OTHER, vec![])], vec![(CONTRACT, vec![1])]] {
        let w = witness(list.clone());
        assert_eq!(verify(&whole(&w), vec![]), Ok(()), "{list:?}");
    }
}

#[test]
fn the_intrinsic_gas_counts_the_list() {
    // 21000 + 3·2400 + 3·1900 of intrinsic gas: one gas more left is refused.
    let w = witness(list());
    let first = nth_step(&w, ExecutionState::AccessListWarm, 0);
    assert_eq!(
        w.steps[first].gas_left,
        1_000_000 - 21_000 - 3 * 2_400 - 3 * 1_900
    );
    let o = Override::StepState {
        step: first,
        field: "gas_left",
        value: Fr::from(w.steps[first].gas_left + 1),
    };
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "BEGIN_TX: next.gas_left = value",
    );
}

#[test]
fn the_chain_starts_at_the_item_count() {
    let w = witness(list());
    let first = nth_step(&w, ExecutionState::AccessListWarm, 0);
    let g = config().gadgets;
    // BeginTx claims five items: the sum of the lengths says six.
    let o = cell(0, &g.begin_tx.chain.items, 5);
    assert_rejected(
        verify(&whole(&w), vec![o]),
        "BEGIN_TX: items = AccessListAddressesLen + AccessListStorageKeysLen",
    );
    // The first item claims to be the second: BeginTx hands it six.
    let o = cell(first, &g.access_list_warm.chain.items, 5);
    assert_rejected(verify(&whole(&w), vec![o]), "BEGIN_TX: next.items = items");
}

#[test]
fn the_chain_cannot_stop_early() {
    let w = witness(list());
    let second = nth_step(&w, ExecutionState::AccessListWarm, 1);
    let g = config().gadgets.access_list_warm;
    // The second item claims to be the last: its items (5) are not 1.
    let o = [cell(second, &g.is_last, 1), cell(second, &g.rest_inv, 0)];
    assert_rejected(
        verify(&whole(&w), o.to_vec()),
        "ACCESS_LIST_WARM: is_last·(items − 1) = 0",
    );
}

#[test]
fn an_item_warms_the_listed_key_of_the_listed_address() {
    let w = witness(list());
    // Item 0 is CONTRACT's address, item 1 its key 1.
    let address_item = nth_step(&w, ExecutionState::AccessListWarm, 0);
    let key_item = nth_step(&w, ExecutionState::AccessListWarm, 1);
    let o = Override::Rw {
        step: address_item,
        access: 0,
        field: "address",
        value: Fr::from(0xeeu64),
    };
    let texts = failure_texts(verify(&whole(&w), vec![o]));
    assert_only(&texts, "ACCESS_LIST_WARM: access list write");
    // The key item's write sits in its second rw row.
    let o = Override::Rw {
        step: key_item,
        access: 1,
        field: "key_lo",
        value: Fr::from(2),
    };
    let texts = failure_texts(verify(&whole(&w), vec![o]));
    assert_only(&texts, "ACCESS_LIST_WARM: access list slot access");
}
