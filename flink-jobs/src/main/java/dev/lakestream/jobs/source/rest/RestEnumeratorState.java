package dev.lakestream.jobs.source.rest;

import java.util.Optional;

/**
 * What the enumerator checkpoints: the split while no reader holds it (before the first assignment,
 * or after its reader failed and handed it back). Once assigned, the split lives in the reader's
 * state.
 */
public record RestEnumeratorState(Optional<RestSplit> unassigned) {}
