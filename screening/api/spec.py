"""The API object: OpenAPI 3 with bearer security, and problem documents for every error."""

import threading
from http import HTTPStatus

from flask_smorest import Api
from flask_smorest.pagination import PaginationMetadataSchema
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from compliance.web.problems import MEDIA_TYPE

# Path ids fit the databases' INTEGER; a larger one would reach the database and fail there.
ROW_ID = "int(max=2147483647)"
# The errors any operation may answer, besides its own: documented on every one.
COMMON_ERRORS = (401, 403, 404, 429, 503)  # 503: the database dropped out (retry)


class ProblemSchema(Schema):
    """RFC 9457 problem details, with the fields' validation messages under `errors`."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String()
    instance = fields.String()
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class FairscreenApi(Api):
    """The API, whose OpenAPI document is written when it is first read.

    Documenting an operation resolves each of its schemas: about 30 ms for the whole API,
    paid by every app built (every test builds one, every server process one) although few
    ever serve the document. The routes are registered at once, as flask-smorest does.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app=None):
        self._undocumented: list[tuple] = []  # (blueprint, name, parameters), in order
        self._documenting = threading.Lock()
        super().__init__(app, spec_kwargs={"security": [{"bearerAuth": []}]})

    @property
    def spec(self):
        """The OpenAPI document, with every registered blueprint's operations in it."""
        if self._undocumented:
            with self._documenting:
                while self._undocumented:
                    blp, name, parameters = self._undocumented[0]
                    blp.register_views_in_doc(self, self._app, self._spec, name=name,
                                              parameters=parameters)
                    self._spec.tag({"name": name, "description": blp.description})
                    self._undocumented.pop(0)
        return self._spec

    @spec.setter
    def spec(self, value) -> None:
        self._spec = value

    def register_blueprint(self, blp, *, parameters=None, **options):
        """Serve `blp` now; document it when the document is next read."""
        name = options.get("name", blp.name)
        self._app.extensions["flask-smorest"]["blp_name_to_api"][name] = self
        self._app.register_blueprint(blp, **options)
        self._undocumented.append((blp, name, parameters))

    def init_app(self, app, *, spec_kwargs=None):
        super().init_app(app, spec_kwargs=spec_kwargs)
        self.spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer",
                           "description": "A personal API token from the preferences page."})

    def _register_error_handlers(self):
        """Leave errors to compliance.web, which answers /api/ paths with problem documents."""

    def _register_responses(self):
        """Document every error response as `application/problem+json`."""
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self.spec, MEDIA_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as a problem document",
                    "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, MEDIA_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def _register_pagination_header(self):
        """Document X-Pagination as what it is: a header whose text is a JSON object."""
        metadata = self.ma_plugin.converter.schema2jsonschema(PaginationMetadataSchema)
        self.spec.components.header("PAGINATION", {
            "description": "Pagination metadata, as JSON",
            "content": {"application/json": {"schema": metadata}}}, lazy=True)


def document_errors(blp, *codes: int):
    """Document the common errors and `codes` on an operation."""
    def decorate(view):
        for code in sorted({*COMMON_ERRORS, *codes}):
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate
