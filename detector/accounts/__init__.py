"""The account side: read profiles, compute features, score them with the model, explain the score.

This wing owns everything about one account on its own: the readers that turn exports into the
canonical account table (:mod:`.read`), the feature transformer (:mod:`.features`), the calibrated
model and its safe file format (:mod:`.model`, :mod:`.explain`), which features keep their direction
across collections (:mod:`.invariance`, a screening the model may apply when it is fitted), which rows a
group-robust fit is refitted on (:mod:`.dro`), which model is in use
(:mod:`.registry`) and the streaming scoring job (:mod:`.score`).

It never imports :mod:`detector.posts`, :mod:`detector.ops` or :mod:`detector.training`: it knows
nothing of posts, stores, reports or how collections are assembled for training.
"""

__all__ = ["dro", "explain", "features", "invariance", "model", "read", "registry", "score"]
