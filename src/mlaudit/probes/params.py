"""The base class of every probe's parameters.

Apart from the registry (which imports every probe) so that the rubric model, which holds
parameters, can be loaded — from the rubric cache too — without importing the probes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Params(BaseModel):
    """Base for every probe's parameters: unknown keys are an error, not ignored.

    Validators are built on first use (`defer_build`): importing the probes declares some
    sixty parameter classes, and a scan whose rubric comes from the cache validates none."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)
