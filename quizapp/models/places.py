"""Where things are: the places (villages, communities) the town admin keeps per grid, the grids'
boundaries as the admin uploaded them (GeoJSON geometry), and an uploaded boundary file waiting for
the admin's confirmation (places.service; migration 0017)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from quizapp.extensions import Model


class GridPlace(Model):
    """A village or community (村/社区) in a grid, which an incident may name as its place."""

    __table_args__ = (UniqueConstraint("grid_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))


class GridBoundary(Model):
    """A grid's outline: a GeoJSON Polygon or MultiPolygon (longitude, latitude in WGS-84, as
    RFC 7946 has it), checked by places.rules.check_boundaries before it is stored."""

    grid_id: Mapped[int] = mapped_column(ForeignKey("grid.id"), primary_key=True)
    geometry: Mapped[dict] = mapped_column(JSON)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id"))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now())


class BoundaryUpload(Model):
    """A boundary file that passed every check, shown for confirmation: nothing touches the stored
    boundaries until the admin applies it, and then all of it is stored."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    features: Mapped[list] = mapped_column(JSON)  # [{"grid_id", "code", "geometry"}], as checked
    created_by: Mapped[int] = mapped_column(ForeignKey("staff_user.id"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    applied_at: Mapped[datetime | None]
