"""The authenticated user's own identity, as the token states it."""

from fastapi import APIRouter

from app.core.auth import CurrentUser, CurrentUserDep
from app.core.errors import error_responses
from app.core.responses import DataResponse

router = APIRouter(tags=["auth"])


@router.get(
    "/me",
    summary="Get the current user",
    description="Returns the user identified by the bearer token.",
    response_description="The authenticated user.",
    responses=error_responses(401, 413, 503),
)
async def read_me(user: CurrentUserDep) -> DataResponse[CurrentUser]:
    """Echo the verified identity of the caller."""
    return DataResponse(data=user)
