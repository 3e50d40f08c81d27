// Terminal.Gui keeps process-wide state (configuration, default key bindings): TUI tests run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
