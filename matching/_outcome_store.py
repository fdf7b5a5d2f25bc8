"""Fitted outcome models as bytes, with skops: written under the model's public class
path and read back trusting only the types an outcome model holds, never unpickled."""

from ._outcome import OutcomeModel

# The types of a stored outcome model that skops does not trust by default (it trusts
# NumPy and scikit-learn's public estimators). Models stored before the class took its
# public path name it arraigo.matching._outcome.OutcomeModel; they must keep loading.
TRUSTED = (
    "arraigo.matching.OutcomeModel",
    "arraigo.matching._outcome.OutcomeModel",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
)


def dumps_outcome_model(model: OutcomeModel) -> bytes:
    """``model`` in the skops format, its class named ``arraigo.matching.OutcomeModel``."""
    import skops.io  # on use: importing it costs seconds, and most callers never store

    return skops.io.dumps(model)


def loads_outcome_model(data: bytes) -> OutcomeModel:
    """The outcome model stored in ``data`` by :func:`dumps_outcome_model` (or by earlier
    versions, under the private class path).

    Raises ``skops.io.exceptions.UntrustedTypesFoundException`` (a ``TypeError``) when
    ``data`` holds any other type, and ``TypeError`` when it holds something else than an
    outcome model.
    """
    import skops.io

    model = skops.io.loads(data, trusted=list(TRUSTED))
    if not isinstance(model, OutcomeModel):
        raise TypeError(f"not an outcome model: {type(model).__name__}")
    return model
