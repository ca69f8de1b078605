package api

import (
	"context"

	"github.com/connectd/connectd"
	"github.com/google/uuid"
)

// startWebRTCContact serves StartWebRTCContact (PUT /contact/webrtc): "Places
// an inbound in-app, web, or video call". The contact is a VOICE contact
// initiated by WEBRTC_API, the model's method for it. connectd has no media
// service: ConnectionData describes a meeting that does not exist, with
// well-formed placeholder URLs in the request's region, so that clients can
// parse it.
func (s *Server) startWebRTCContact(ctx context.Context, c *call, in *startCommon) (any, error) {
	ct := s.newContact(c, in, connectd.ChannelVoice, "WEBRTC_API")
	stored, err := s.cfg.Service.CreateContact(ctx, c.owner, ct)
	if err != nil {
		return nil, err
	}
	return webRTCResponse(stored.ID, c.owner.Region), nil
}

// Wire shapes of StartWebRTCContact's response (ConnectionData).
type (
	wireAttendee struct {
		AttendeeId string `json:"AttendeeId"`
		JoinToken  string `json:"JoinToken"`
	}
	wireMediaPlacement struct {
		AudioHostUrl      string `json:"AudioHostUrl"`
		AudioFallbackUrl  string `json:"AudioFallbackUrl"`
		SignalingUrl      string `json:"SignalingUrl"`
		TurnControlUrl    string `json:"TurnControlUrl"`
		EventIngestionUrl string `json:"EventIngestionUrl"`
	}
	wireMeeting struct {
		MediaRegion     string             `json:"MediaRegion"`
		MediaPlacement  wireMediaPlacement `json:"MediaPlacement"`
		MeetingFeatures struct {
			Audio struct {
				EchoReduction string `json:"EchoReduction"`
			} `json:"Audio"`
		} `json:"MeetingFeatures"`
		MeetingId string `json:"MeetingId"`
	}
	wireWebRTCResponse struct {
		ConnectionData struct {
			Attendee wireAttendee `json:"Attendee"`
			Meeting  wireMeeting  `json:"Meeting"`
		} `json:"ConnectionData"`
		ContactId        string `json:"ContactId"`
		ParticipantId    string `json:"ParticipantId"`
		ParticipantToken string `json:"ParticipantToken"`
	}
)

// webRTCResponse is StartWebRTCContact's answer for contact id. Its ids are
// derived from the contact id, so a retried start (same ClientToken) gets
// the same participant and meeting.
func webRTCResponse(contactID, region string) *wireWebRTCResponse {
	derive := func(what string) string {
		return uuid.NewSHA1(uuid.NameSpaceURL, []byte("connectd:"+what+":"+contactID)).String()
	}
	meetingID := derive("meeting")
	host := "https://" + meetingID + ".connectd.invalid"
	r := &wireWebRTCResponse{ContactId: contactID, ParticipantId: derive("participant"), ParticipantToken: derive("participant-token")}
	r.ConnectionData.Attendee = wireAttendee{AttendeeId: derive("attendee"), JoinToken: derive("join-token")}
	m := &r.ConnectionData.Meeting
	m.MediaRegion, m.MeetingId = region, meetingID
	m.MediaPlacement = wireMediaPlacement{AudioHostUrl: host + "/audio", AudioFallbackUrl: host + "/audio-fallback",
		SignalingUrl: host + "/signal", TurnControlUrl: host + "/turn", EventIngestionUrl: host + "/events"}
	m.MeetingFeatures.Audio.EchoReduction = "UNAVAILABLE"
	return r
}
