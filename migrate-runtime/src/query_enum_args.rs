//! An argument for a parameter of a database enum type (PostgreSQL): it must be a
//! `#[derive(DbEnum)]` enum (or a reference to one, or an `Option` of one) of that very enum
//! type, since PostgreSQL refuses a `text` there (`operator does not exist: task_status = text`)
//! and sqlx encodes the enum by its type's name.
//!
//! The name is compared as a type, so that a mismatch is an ordinary trait error (`cargo
//! check` reports it): [`Ch`]`<'t', Ch<'a', … End>>` spells `ta…`, one character per level,
//! generated alike by `#[derive(DbEnum)]` and by the query macros.

use std::marker::PhantomData;

use crate::check::DbEnum;

/// One character of an enum type's name, then the rest of it.
pub struct Ch<const C: char, Rest>(PhantomData<Rest>);

/// The end of an enum type's name.
pub struct End;

/// Implemented by `#[derive(DbEnum)]` for a PostgreSQL enum, with its SQL type's name spelled
/// as [`Ch`]s.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is a `#[derive(DbEnum)]` enum of another SQL enum type than the query's parameter",
    label = "the parameter's enum type, one character per `Ch`: `{Name}`",
    note = "pass the enum whose `#[sqlx(type_name = …)]` is the parameter's type"
)]
pub trait OfSqlEnum<Name> {}

/// Implemented by `#[derive(DbEnum)]` for the enum and references to it; here for `Option`s
/// of those.
#[diagnostic::on_unimplemented(
    message = "this argument is `{Self}`, but the query's parameter is of a database enum type",
    label = "expected a `#[derive(DbEnum)]` enum (or a reference to one, or an `Option` of one)",
    note = "pass the Rust enum that derives `sqlx::Type` and `DbEnum` for the SQL enum type; to bind text, cast the parameter in the SQL (`$1::text::your_enum`)"
)]
pub trait EnumArg {
    /// The enum.
    type Enum: DbEnum;
}

impl<T: EnumArg> EnumArg for Option<T> {
    type Enum = T::Enum;
}

impl<T: EnumArg> EnumArg for &Option<T> {
    type Enum = T::Enum;
}

/// Passes the argument through; its bounds are the check.
pub fn enum_arg<Name, A>(argument: A) -> A
where
    A: EnumArg,
    A::Enum: OfSqlEnum<Name>,
{
    argument
}
