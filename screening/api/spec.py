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

    Documenting an operation resolves each of its schemas, and documenting the error
    responses resolves the problem schema once per HTTP status: about 45 ms together, paid
    by every app built (every test builds one, every server process one) although few ever
    serve the document. The routes are registered at once, as flask-smorest does.
    """

    ERROR_SCHEMA = ProblemSchema

    def __init__(self, app=None):
        self._components: list = []  # what documents the shared components, in order
        self._undocumented: list[tuple] = []  # (blueprint, name, parameters), in order
        self._documenting = threading.Lock()
        self._here = threading.local()  # `busy` while this thread is documenting
        super().__init__(app, spec_kwargs={"security": [{"bearerAuth": []}]})

    @property
    def spec(self):
        """The OpenAPI document, with every registered blueprint's operations in it."""
        # A documenting step reads `spec` too (flask-smorest's own do): it gets the document
        # as it stands, so the steps keep their order. Another thread waits for them all.
        if (self._components or self._undocumented) and not getattr(self._here, "busy", False):
            with self._documenting:
                self._here.busy = True
                try:
                    while self._components:
                        self._components.pop(0)()
                    while self._undocumented:
                        blp, name, parameters = self._undocumented.pop(0)
                        blp.register_views_in_doc(self, self._app, self._spec, name=name,
                                                  parameters=parameters)
                        self._spec.tag({"name": name, "description": blp.description})
                finally:
                    self._here.busy = False
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
        self._spec.components.security_scheme(
            "bearerAuth", {"type": "http", "scheme": "bearer",
                           "description": "A personal API token from the preferences page."})

    def _register_error_handlers(self):
        """Leave errors to compliance.web, which answers /api/ paths with problem documents."""

    def _register_responses(self):
        """Document every error response as `application/problem+json`, when the document is
        first read."""
        self._components.append(self._document_responses)

    def _document_responses(self):
        for status in HTTPStatus:
            response = {"description": status.phrase}
            if status >= 400:
                response["schema"] = self.ERROR_SCHEMA
                prepare_response(response, self._spec, MEDIA_TYPE)
            self._spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as a problem document",
                    "schema": self.ERROR_SCHEMA}
        prepare_response(response, self._spec, MEDIA_TYPE)
        self._spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)

    def _register_etag_headers(self):
        """Document the ETag headers when the document is first read."""
        self._components.append(super()._register_etag_headers)

    def _register_pagination_header(self):
        """Document X-Pagination as what it is, a header whose text is a JSON object, when
        the document is first read."""
        self._components.append(self._document_pagination_header)

    def _document_pagination_header(self):
        metadata = self.ma_plugin.converter.schema2jsonschema(PaginationMetadataSchema)
        self._spec.components.header("PAGINATION", {
            "description": "Pagination metadata, as JSON",
            "content": {"application/json": {"schema": metadata}}}, lazy=True)


def document_errors(blp, *codes: int):
    """Document the common errors and `codes` on an operation."""
    def decorate(view):
        for code in sorted({*COMMON_ERRORS, *codes}):
            view = blp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view
    return decorate
