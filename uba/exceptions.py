"""Exception and warning classes raised by ``uba``."""


class LogFormatError(ValueError):
    """A log file or line does not match any access-log format that was tried."""


class ModelMismatchError(ValueError):
    """A saved model was built for other features or an incompatible ``uba``."""


class UBAWarning(UserWarning):
    """Base class of the warnings that ``uba`` emits."""


class TimezoneWarning(UBAWarning):
    """Timestamps without a UTC offset were read as UTC."""


class InvalidParameterError(ValueError, TypeError):
    """A parameter of a ``uba`` function or estimator has an invalid type or value."""
