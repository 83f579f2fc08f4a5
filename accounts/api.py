from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView


class MeApi(APIView):
    class OutputSerializer(serializers.Serializer):
        id = serializers.UUIDField(source="public_id")
        username = serializers.CharField()
        name = serializers.CharField(source="display_name")
        role = serializers.CharField()
        team = serializers.CharField(source="team.name", default=None, allow_null=True)
        language = serializers.CharField()
        timezone = serializers.CharField()

    serializer_class = OutputSerializer

    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)
