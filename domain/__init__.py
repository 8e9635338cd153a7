"""The sales deal as an event-sourced aggregate: rules of the sales manual, no I/O."""
