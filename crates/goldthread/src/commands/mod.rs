pub mod link; pub mod stats;
