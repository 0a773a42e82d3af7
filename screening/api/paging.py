"""Page-number pagination over a SQL query, for flask-smorest's `paginate`."""

from flask_smorest.pagination import PaginationParameters
from sqlalchemy import Select, func, select

from compliance.db import db


def page_of(query: Select, pagination: PaginationParameters) -> list:
    """Return one page of `query`'s rows and tell the paginator how many there are."""
    pagination.item_count = db.session.scalar(
        select(func.count()).select_from(query.order_by(None).subquery()))
    if pagination.first_item >= pagination.item_count:
        return []  # past the end; also keeps an absurd page number away from OFFSET
    return list(db.session.scalars(query.limit(pagination.page_size)
                                   .offset(pagination.first_item)))
