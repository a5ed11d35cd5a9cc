"""Query parameters a route does not declare are an error, never ignored.

Without this, a misspelt filter (``?titel=Soup``) would be dropped silently and
the request answered as if it matched everything.
"""

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from app.core.errors import FieldValidationError


async def reject_unknown_query_parameters(request: Request) -> None:
    """Refuse query parameters the matched route does not declare (422).

    Installed once for the whole app (``FastAPI(dependencies=[...])``), so
    every route gets it; the error names each unknown parameter.
    """
    if not request.scope.get("query_string"):
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    unknown = sorted(set(request.query_params) - _declared_names(route))
    if unknown:
        raise FieldValidationError(
            {name: ["Unknown query parameter"] for name in unknown},
            f"Unknown query parameter: {', '.join(unknown)}",
        )


#: Per route (by id; a route held here keeps its id), the route and its query
#: parameters: worked out once, not on every request. Routes are not hashable.
_declared: dict[int, tuple[APIRoute, frozenset[str]]] = {}


def _declared_names(route: APIRoute) -> frozenset[str]:
    """The query parameters ``route`` declares."""
    entry = _declared.get(id(route))
    if entry is None:
        entry = _declared[id(route)] = (route, frozenset(_query_names(route.dependant)))
    return entry[1]


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters of ``dependant`` and of its dependencies, the fields
    of a model declared as ``Annotated[Model, Query()]`` included."""
    names: set[str] = set()
    for param in dependant.query_params:
        model = param.field_info.annotation
        if isinstance(model, type) and issubclass(model, BaseModel):
            names.update(
                field.alias or name for name, field in model.model_fields.items()
            )
        else:
            names.add(param.alias)
    for dependency in dependant.dependencies:
        names |= _query_names(dependency)
    return names
