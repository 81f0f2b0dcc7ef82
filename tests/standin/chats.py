"""Who exists in the stand-in: users, private chats and groups, members, blocks and upgrades."""

from __future__ import annotations

from collections.abc import Sequence

from tests.standin.model import ChatMember, ChatType, FakeChat, FakeUser
from tests.standin.world import WorldState


class ChatsState(WorldState):
    """Actors: who exists (users and the chats they share with the bot)."""

    def user(
        self,
        first_name: str,
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "en",
    ) -> FakeUser:
        user = FakeUser(next(self._user_ids), first_name, last_name, username, language_code)
        self.users[user.id] = user
        return user

    def private_chat(self, user: FakeUser) -> FakeChat:
        """The user's private chat with the bot (the same object on every call)."""
        chat = self.chats.get(user.id)
        if chat is None:
            chat = FakeChat(
                id=user.id,
                type="private",
                first_name=user.first_name,
                last_name=user.last_name,
                username=user.username,
                user=user,
            )
            chat.members[user.id] = ChatMember(user, "member")
            chat.members[self.bot_user.id] = ChatMember(self.bot_user, "member")
            self._add_chat(chat)
        return chat

    def group(
        self,
        title: str,
        *,
        members: Sequence[FakeUser] = (),
        admins: Sequence[FakeUser] = (),
        owner: FakeUser | None = None,
        supergroup: bool = False,
        bot_is_admin: bool = False,
        username: str | None = None,
        forum: bool = False,
    ) -> FakeChat:
        """A group (or supergroup) the bot is already in. The owner defaults to the first
        admin, else the first member; admins need not be listed among members. A ``forum``
        is a supergroup with topics."""
        supergroup = supergroup or forum
        kind: ChatType = "supergroup" if supergroup else "group"
        chat_id = -next(self._supergroup_ids if supergroup else self._group_ids)
        chat = FakeChat(id=chat_id, type=kind, title=title, username=username, is_forum=forum)
        people = [*admins, *members]
        owner = owner or (people[0] if people else None)
        if owner is not None:
            chat.members[owner.id] = ChatMember(owner, "creator")
        for admin in admins:
            chat.members.setdefault(admin.id, ChatMember(admin, "administrator"))
        for member in members:
            chat.members.setdefault(member.id, ChatMember(member, "member"))
        chat.members[self.bot_user.id] = ChatMember(
            self.bot_user, "administrator" if bot_is_admin else "member"
        )
        self._add_chat(chat)
        return chat

    def add_member(self, chat: FakeChat, user: FakeUser, *, admin: bool = False) -> None:
        chat.members[user.id] = ChatMember(user, "administrator" if admin else "member")
        self._changed()

    def migrate_to_supergroup(self, chat: FakeChat, *, by: FakeUser | None = None) -> FakeChat:
        """Upgrade a group: a new supergroup with the same members; the old id is dead (sending
        there answers 400 with migrate_to_chat_id), and both service messages are delivered."""
        if chat.type != "group":
            raise ValueError(f"only a basic group can be upgraded, not a {chat.type}")
        new = FakeChat(
            id=-next(self._supergroup_ids),
            type="supergroup",
            title=chat.title,
            members=dict(chat.members),
            migrated_from=chat.id,
        )
        self._add_chat(new)
        actor = by or next(
            (m.user for m in chat.members.values() if m.status == "creator"), self.bot_user
        )
        old_note = self._new_message(chat, actor, kind="service")
        old_note.service = {"migrate_to_chat_id": new.id}
        chat.migrated_to = new.id
        new_note = self._new_message(new, actor, kind="service")
        new_note.service = {"migrate_from_chat_id": chat.id}
        self._enqueue("message", old_note.to_api())
        self._enqueue("message", new_note.to_api())
        return new

    def block_bot(self, user: FakeUser) -> None:
        """The user blocks the bot: sending to their private chat answers 403."""
        user.blocked_bot = True
        self._changed()

    def unblock_bot(self, user: FakeUser) -> None:
        user.blocked_bot = False
        self._changed()

    def _add_chat(self, chat: FakeChat) -> None:
        self.chats[chat.id] = chat
        self._messages[chat.id] = []
        self._next_message_id[chat.id] = 1
        self._changed()
