"""Channels: create, route and split them; what served a channel at a moment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from ninja import Field, Query, Schema, Status
from pydantic import BeforeValidator

from agents.api.common import Router, page, require
from agents.api.schemas import (
    ERRORS_READ,
    ERRORS_WRITE,
    ChannelAsOfOut,
    ChannelIn,
    ChannelList,
    ChannelOut,
    ChannelPatch,
    ErrorOut,
    Paging,
)
from agents.api.shapes import channel_out
from agents.domain import moments
from agents.domain.routing import TargetIO
from agents.permissions import MANAGE_CHANNELS, VIEW_AGENT
from agents.selectors import channels as channels_selectors
from agents.services import channels as channels_services

# ISO 8601 only (pydantic alone would also read `0.5` as a Unix time), made aware in UTC.
Moment = Annotated[datetime, BeforeValidator(lambda v: moments.parse_moment(str(v), path="at"))]

channels = Router(tags=["channels"])


@channels.get("", response={200: ChannelList, **ERRORS_READ})
def list_channels(
    request,
    paging: Query[Paging],
    agent: str | None = None,
):
    """List channels"""
    require(request, VIEW_AGENT)
    rows = channels_selectors.channel_list(agent=agent)
    return page(request, rows, paging, channel_out)


@channels.post("", response={201: ChannelOut, 409: ErrorOut, **ERRORS_WRITE})
def create_channel(request, payload: ChannelIn):
    """Create a channel

    A pinned version must belong to the channel's agent; variant weights sum to 100."""
    principal = require(request, MANAGE_CHANNELS)
    values = payload.model_dump(exclude_none=False)
    values["agent"] = channels_selectors.routable_agent(values["agent"])
    channel = channels_services.create_channel(user=principal.user, **values)
    return Status(201, channel_out(channel))


@channels.get("/{channel_id}", response={200: ChannelOut, **ERRORS_READ})
def get_channel(request, channel_id: str):
    """Get a channel"""
    require(request, VIEW_AGENT)
    return channel_out(channels_selectors.channel(channel_id))


@channels.patch("/{channel_id}", response={200: ChannelOut, 409: ErrorOut, **ERRORS_WRITE})
def patch_channel(request, channel_id: str, payload: ChannelPatch):
    """Rename, repoint or re-split a channel

    Send `"variants": null` to stop splitting traffic."""
    principal = require(request, MANAGE_CHANNELS)
    changes = payload.model_dump(exclude_unset=True)
    if "agent" in changes:
        changes["agent"] = channels_selectors.routable_agent(changes["agent"])
    channel = channels_services.update_channel(
        channel=channels_selectors.channel(channel_id), user=principal.user, **changes
    )
    return channel_out(channel)


@channels.get("/{channel_id}/as-of", response={200: ChannelAsOfOut, **ERRORS_READ})
def channel_as_of(request, channel_id: str, at: Moment):
    """Which version served the channel at a moment"""
    require(request, VIEW_AGENT)
    channel = channels_selectors.channel(channel_id)
    return {"channel": channel.public_id, "at": at, **channels_selectors.channel_as_of(channel, at)}


class RoutingTargetOut(Schema):
    variant: str = Field(description="What the hash names the target by: released, draft, v3")
    target: TargetIO
    version: int | str | None = Field(
        description="What the target serves now: a version number, `draft`, or null "
        "when nothing is released"
    )
    weight: int = Field(description="Its share of callers, in percent")


class RolloutStepOut(Schema):
    id: str
    step: int
    weight: int = Field(description="The candidate's share at this step")


class RoutingOut(Schema):
    channel: str
    agent: str
    seq: int = Field(description="The last change's `seq` when this was read")
    split: bool = Field(description="Whether callers are assigned by the rule at all")
    rule: dict[str, str] = Field(description="The assignment, for clients to reimplement")
    targets: list[RoutingTargetOut]
    rollout: RolloutStepOut | None


@channels.get("/{channel_id}/routing", response={200: RoutingOut, **ERRORS_READ})
def get_routing(request, channel_id: str):
    """How a channel assigns callers, to do it locally

    The targets with the versions they serve now and their weights (a rollout's current
    step included) and the rule `POST /conversations` applies: a client that assigns a
    caller key with it gets the variant the server would choose. `seq` tells which
    change this reflects; a newer change on the channel or its agent means reading it
    again."""
    require(request, VIEW_AGENT)
    return channels_selectors.routing(channels_selectors.channel(channel_id))
