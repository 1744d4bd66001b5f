//! The `goldthread` command line.
mod commands;
fn main() {}
